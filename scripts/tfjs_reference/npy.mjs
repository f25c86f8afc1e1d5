// Minimal .npy reading (format 1.0/2.0; little-endian float32 or int32, C order) and writing
// (format 1.0; float32, int32 or bool).
import fs from 'node:fs';

const NPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // "\x93NUMPY"
const NPY_DTYPES = { '<f4': 'float32', '<i4': 'int32' };

export function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 10 || !buf.subarray(0, 6).equals(NPY_MAGIC)) throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = buf.toString('latin1', major === 1 ? 10 : 12, start);
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!(descr in NPY_DTYPES)) throw new Error(`${file}: dtype ${descr} is not supported (use <f4 or <i4)`);
  if (fortran !== 'False') throw new Error(`${file}: only C-order arrays are supported`);
  if (shapeText === undefined) throw new Error(`${file}: no shape in the header`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  if (buf.length - start !== count * 4) throw new Error(`${file}: ${buf.length - start} data bytes for shape [${shape}]`);
  const bytes = new Uint8Array(buf.subarray(start)).buffer; // copied, so 4-byte aligned
  const dtype = NPY_DTYPES[descr];
  return { dtype, shape, data: dtype === 'float32' ? new Float32Array(bytes) : new Int32Array(bytes) };
}

export function writeNpy(file, dtype, shape, values) {
  const descr = { float32: '<f4', int32: '<i4', bool: '|b1' }[dtype];
  if (descr === undefined) throw new Error(`cannot write dtype ${dtype} to .npy`);
  const shapeText = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shapeText}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n'; // magic + header is a multiple of 64
  const head = Buffer.alloc(10);
  NPY_MAGIC.copy(head);
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const data = dtype === 'bool' ? Uint8Array.from(values) : dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer)]));
}
