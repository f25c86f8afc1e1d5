// Runs a TensorFlow.js graph model on the pure-JS CPU backend and saves chosen node values as .npy,
// as the reference the C++ graph runner is checked against.
//
//   node run.mjs MODEL_JSON INPUT.npy OUT_DIR [NODE_NAME ...]
//
// MODEL_JSON is a graph-model model.json; its weight shards are read from the same folder (no
// network). INPUT.npy is little-endian float32 ('<f4') or int32 ('<i4'), C order. NODE_NAMEs
// default to the model's outputs; any node of the graph may be named (intermediate ones too), with
// an optional ':k' for its k-th output. Each value is written to OUT_DIR/<sanitized name>.npy
// (float32, int32, or bool as '|b1'), and OUT_DIR/index.json maps node name -> file, dtype, shape.
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readNpy, writeNpy } from './npy.mjs';

// A graph model from local files: model.json plus its shards, concatenated in manifest order.
function loadArtifacts(modelJson) {
  const model = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
  const dir = path.dirname(modelJson);
  const groups = model.weightsManifest ?? [];
  const shards = groups.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(dir, p))));
  const weightData = new Uint8Array(Buffer.concat(shards)).buffer;
  return {
    modelTopology: model.modelTopology,
    weightSpecs: groups.flatMap((g) => g.weights),
    weightData,
    format: model.format,
    generatedBy: model.generatedBy,
    convertedBy: model.convertedBy,
    signature: model.signature,
    userDefinedMetadata: model.userDefinedMetadata,
  };
}

const sanitize = (name) => name.replace(/[^A-Za-z0-9_.-]/g, '_');

async function main() {
  const [modelJson, inputNpy, outDir, ...requested] = process.argv.slice(2);
  if (!outDir) {
    console.error('usage: node run.mjs MODEL_JSON INPUT.npy OUT_DIR [NODE_NAME ...]');
    process.exit(2);
  }
  await tf.setBackend('cpu');
  await tf.ready();

  let t = performance.now();
  const model = await tf.loadGraphModel(tf.io.fromMemory(loadArtifacts(modelJson)));
  const loadMs = performance.now() - t;

  const arr = readNpy(inputNpy);
  const input = tf.tensor(arr.data, arr.shape, arr.dtype);
  const names = requested.length ? requested : model.outputs.map((o) => o.name);

  t = performance.now();
  let results = model.execute(input, names);
  const execMs = performance.now() - t;
  if (!Array.isArray(results)) results = [results];

  fs.mkdirSync(outDir, { recursive: true });
  const index = {
    tfjs_version: tf.version.tfjs,
    backend: tf.getBackend(),
    model: path.basename(modelJson),
    input: { file: path.basename(inputNpy), dtype: arr.dtype, shape: arr.shape },
    nodes: {},
  };
  const used = new Map();
  for (let i = 0; i < names.length; i++) {
    const r = results[i];
    const file = `${sanitize(names[i])}.npy`;
    if (used.has(file) && used.get(file) !== names[i]) throw new Error(`nodes ${used.get(file)} and ${names[i]} map to one file`);
    used.set(file, names[i]);
    writeNpy(path.join(outDir, file), r.dtype, r.shape, r.dataSync());
    index.nodes[names[i]] = { file, dtype: r.dtype, shape: r.shape };
  }
  fs.writeFileSync(path.join(outDir, 'index.json'), JSON.stringify(index, null, 2) + '\n');
  console.error(`tfjs ${tf.version.tfjs} (${tf.getBackend()}): load ${loadMs.toFixed(0)} ms, execute ${execMs.toFixed(0)} ms, ${names.length} node(s) -> ${outDir}`);
}

main().catch((e) => {
  console.error(`run.mjs: ${e.message}`);
  process.exit(1);
});
