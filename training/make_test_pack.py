"""Write the tiny random-weight test pack to test/fixtures/tiny-pack (seeded, deterministic).

  /usr/bin/python3 training/make_test_pack.py [--out test/fixtures/tiny-pack]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export  # noqa: E402

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="test/fixtures/tiny-pack")
    a = ap.parse_args()
    export.main(["--random", "--config", "tiny", "--seed", "0", "--name", "cw-tiny-random", "--out", a.out])
