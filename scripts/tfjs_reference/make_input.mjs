// Writes the synthetic test image the fixtures were made from, as an int32 .npy of shape 1xSxSx3
// (NHWC, RGB, values 0..255), or with --float as float32 v/255 (each value the correctly rounded
// float32 quotient; for models with float 0..1 inputs). C++ regenerates the same image, so the
// formula is all integer arithmetic (every intermediate value below 2^53, so exact in JS doubles
// and in int64):
//
//   node make_input.mjs SIZE OUT.npy [--float]
//
// For row y and column x (0 <= y, x < S), pixel centres in units of 1/1000 of the image:
//   px = floor((2x+1)*500 / S),  py = floor((2y+1)*500 / S)            (0..999)
// A pixel belongs to a capsule with end points A, B and radius r when its squared distance to
// the segment AB is at most r^2. With d = B-A, L2 = d.d, v = P-A and t = v.d:
//   t <= 0 (or L2 == 0): |P-A|^2 <= r^2;   t >= L2: |P-B|^2 <= r^2;
//   otherwise:           |v|^2 * L2 - t^2 <= r^2 * L2.
// The first capsule of PARTS that holds the pixel gives its colour; none gives the background
//   R = 60 + floor(80*px/1000),  G = 90 + floor(60*py/1000),  B = 140 - floor(40*(px+py)/2000).
// PARTS (ax, ay, bx, by, r, R, G, B), a person standing facing the camera, arms slightly out:
//   head      (500,170)-(500,170) r 65  skin  (224,182,150)
//   torso     (500,260)-(500,520) r 95  shirt (200, 40, 40)
//   upper arm (420,290)-(330,430) r 35  shirt;  forearm (330,430)-(300,570) r 30 skin
//   upper arm (580,290)-(670,430) r 35  shirt;  forearm (670,430)-(700,570) r 30 skin
//   thigh     (450,540)-(430,740) r 45  pants (40, 60,160);  shin (430,740)-(420,940) r 38 pants
//   thigh     (550,540)-(570,740) r 45  pants;               shin (570,740)-(580,940) r 38 pants
import { writeNpy } from './npy.mjs';

const SKIN = [224, 182, 150];
const SHIRT = [200, 40, 40];
const PANTS = [40, 60, 160];
export const PARTS = [
  [500, 170, 500, 170, 65, SKIN],
  [500, 260, 500, 520, 95, SHIRT],
  [420, 290, 330, 430, 35, SHIRT],
  [330, 430, 300, 570, 30, SKIN],
  [580, 290, 670, 430, 35, SHIRT],
  [670, 430, 700, 570, 30, SKIN],
  [450, 540, 430, 740, 45, PANTS],
  [430, 740, 420, 940, 38, PANTS],
  [550, 540, 570, 740, 45, PANTS],
  [570, 740, 580, 940, 38, PANTS],
];

function inCapsule(px, py, [ax, ay, bx, by, r]) {
  const dx = bx - ax, dy = by - ay, vx = px - ax, vy = py - ay;
  const l2 = dx * dx + dy * dy, t = vx * dx + vy * dy;
  if (l2 === 0 || t <= 0) return vx * vx + vy * vy <= r * r;
  if (t >= l2) return (px - bx) ** 2 + (py - by) ** 2 <= r * r;
  return (vx * vx + vy * vy) * l2 - t * t <= r * r * l2;
}

export function pixel(y, x, size) {
  const px = Math.floor(((2 * x + 1) * 500) / size), py = Math.floor(((2 * y + 1) * 500) / size);
  const part = PARTS.find((p) => inCapsule(px, py, p));
  if (part) return part[5];
  return [60 + Math.floor((80 * px) / 1000), 90 + Math.floor((60 * py) / 1000), 140 - Math.floor((40 * (px + py)) / 2000)];
}

const [sizeArg, out, flag] = process.argv.slice(2);
const size = Number(sizeArg);
if (!out || !Number.isInteger(size) || size < 1 || (flag !== undefined && flag !== '--float')) {
  console.error('usage: node make_input.mjs SIZE OUT.npy [--float]');
  process.exit(2);
}
const data = new Int32Array(size * size * 3);
for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.set(pixel(y, x, size), (y * size + x) * 3);
if (flag) writeNpy(out, 'float32', [1, size, size, 3], Float32Array.from(data, (v) => v / 255));
else writeNpy(out, 'int32', [1, size, size, 3], data);
