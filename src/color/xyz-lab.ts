/**
 * Step 3 of the Lab chain: CIE XYZ planes ⇄ CIE Lab planes (D65 white, ε = 216/24389, κ = 24389/27).
 * Both run in place when `out` is the input.
 */
import { D65_WHITE } from './constants.js';
import type { PlaneTriple } from './lab-planes.js';
import { checkLength } from './check-dimensions.js';
import { labF, labFInverse } from './lab-companding.js';

/** XYZ → (L, a, b) planes, returned in that order. Exact f (Math.cbrt); rgbToLab has the fast fused path. */
export function xyzToLab(xyz: PlaneTriple, out?: PlaneTriple): PlaneTriple {
  const [X, Y, Z] = xyz;
  const n = X.length;
  checkLength(Y, n, 'xyzToLab');
  checkLength(Z, n, 'xyzToLab');
  const dst = out ?? ([new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const);
  const [L, a, b] = dst;
  checkLength(L, n, 'xyzToLab out');
  checkLength(a, n, 'xyzToLab out');
  checkLength(b, n, 'xyzToLab out');
  const ix = 1 / D65_WHITE.X;
  const iy = 1 / D65_WHITE.Y;
  const iz = 1 / D65_WHITE.Z;
  for (let i = 0; i < n; i++) {
    const fx = labF(X[i] * ix);
    const fy = labF(Y[i] * iy);
    const fz = labF(Z[i] * iz);
    L[i] = 116 * fy - 16;
    a[i] = 500 * (fx - fy);
    b[i] = 200 * (fy - fz);
  }
  return dst;
}

/** (L, a, b) planes → XYZ planes. */
export function labToXyz(lab: PlaneTriple, out?: PlaneTriple): PlaneTriple {
  const [L, a, b] = lab;
  const n = L.length;
  checkLength(a, n, 'labToXyz');
  checkLength(b, n, 'labToXyz');
  const dst = out ?? ([new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const);
  const [X, Y, Z] = dst;
  checkLength(X, n, 'labToXyz out');
  checkLength(Y, n, 'labToXyz out');
  checkLength(Z, n, 'labToXyz out');
  const { X: xn, Y: yn, Z: zn } = D65_WHITE;
  for (let i = 0; i < n; i++) {
    const fy = (L[i] + 16) / 116;
    const fx = fy + a[i] / 500;
    const fz = fy - b[i] / 200;
    X[i] = xn * labFInverse(fx);
    Y[i] = yn * labFInverse(fy);
    Z[i] = zn * labFInverse(fz);
  }
  return dst;
}
