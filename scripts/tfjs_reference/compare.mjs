// Compares node values written by two runners (run.mjs, or the C++ `motioncue tfjs` verb):
//
//   node compare.mjs REF_DIR TEST_DIR [--rtol 1e-4] [--node-rtol NODE=RTOL]...
//
// For every node in REF_DIR/index.json, loads REF_DIR/<file> and TEST_DIR/<file> (the file named
// in TEST_DIR/index.json when it lists the node). Shapes must be equal; int32 and bool values
// exactly equal; float32 values within max|a-b| / max(max|ref|, 1e-6) <= rtol, or the node's own
// --node-rtol. Prints one line per node and exits 1 when any node fails or is missing from TEST_DIR.
import fs from 'node:fs';
import path from 'node:path';
import { readNpy } from './npy.mjs';

function usage() {
  console.error('usage: node compare.mjs REF_DIR TEST_DIR [--rtol 1e-4] [--node-rtol NODE=RTOL]...');
  process.exit(2);
}

const args = process.argv.slice(2);
let rtol = 1e-4;
const dirs = [];
const nodeRtol = new Map();
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--rtol') rtol = Number(args[++i]);
  else if (args[i] === '--node-rtol') {
    const m = /^(.+)=([^=]+)$/.exec(args[++i] ?? '');
    if (!m || !(Number(m[2]) >= 0)) usage();
    nodeRtol.set(m[1], Number(m[2]));
  } else dirs.push(args[i]);
}
if (dirs.length !== 2 || !(rtol >= 0)) usage();
const [refDir, testDir] = dirs;
const readIndex = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
const ref = readIndex(refDir);
let test = { nodes: {} };
try {
  test = readIndex(testDir);
} catch {
  // no index: look for the files by the reference's names
}

// Relative error of test against ref; Infinity when int/bool values differ at all.
function relError(a, b, dtype) {
  let maxDiff = 0, maxRef = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= maxDiff)) maxDiff = d; // NaN counts as the worst difference
    maxRef = Math.max(maxRef, Math.abs(a[i]));
  }
  if (dtype !== 'float32') return maxDiff === 0 ? 0 : Infinity;
  return Number.isNaN(maxDiff) ? NaN : maxDiff / Math.max(maxRef, 1e-6);
}

let failed = 0, worst = 0;
for (const [name, spec] of Object.entries(ref.nodes)) {
  const shape = `[${spec.shape.join(',')}]`;
  const testFile = path.join(testDir, test.nodes?.[name]?.file ?? spec.file);
  if (!fs.existsSync(testFile)) {
    console.log(`${name} ${shape} missing FAIL`);
    failed++;
    continue;
  }
  const a = readNpyAny(path.join(refDir, spec.file)), b = readNpyAny(testFile);
  let err, ok;
  if (a.shape.join(',') !== b.shape.join(',')) {
    err = `shape [${b.shape.join(',')}]`;
    ok = false;
  } else {
    const e = relError(a.data, b.data, a.dtype);
    worst = Math.max(worst, Number.isNaN(e) ? Infinity : e);
    err = e.toExponential(2);
    ok = e <= (a.dtype === 'float32' ? (nodeRtol.get(name) ?? rtol) : 0);
  }
  console.log(`${name} ${shape} ${a.dtype} ${err} ${ok ? 'ok' : 'FAIL'}`);
  if (!ok) failed++;
}
console.log(`worst ${worst.toExponential(2)}; ${failed} of ${Object.keys(ref.nodes).length} node(s) failed (rtol ${rtol})`);
process.exit(failed ? 1 : 0);

// readNpy, plus the '|b1' bool files run.mjs writes (compared as 0/1 values).
function readNpyAny(file) {
  const buf = fs.readFileSync(file);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + headerLen);
  if (buf[6] !== 1 || !header.includes("'|b1'")) return readNpy(file);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  return { dtype: 'bool', shape, data: new Uint8Array(buf.subarray(10 + headerLen)) };
}
