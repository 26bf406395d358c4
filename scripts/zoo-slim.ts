/**
 * Writes a checkpoint for zoo/ without the tensors only a resumed run needs: AlphaZero's replay window
 * (`replay.*`, 44 MB for Connect Four's 4,000 games, against 2.6 MB of networks and optimizer state).
 * Everything else (networks, Adam state, trainer state, metadata) is copied unchanged, so `dojo arena`,
 * `dojo eval`, the browser and `dojo train --resume` read the result (a resume starts with an empty replay
 * window).
 *
 *     npx tsx scripts/zoo-slim.ts <in.safetensors> <out.safetensors>
 */
import { readSafetensorsFile, saveSafetensorsFile } from '../src/nn/safetensors-node.ts';

const [input, output] = process.argv.slice(2);
if (input === undefined || output === undefined) {
  process.stderr.write('usage: npx tsx scripts/zoo-slim.ts <in.safetensors> <out.safetensors>\n');
  process.exit(2);
}
const { tensors, metadata } = readSafetensorsFile(input);
const kept = new Map([...tensors].filter(([name]) => !name.startsWith('replay.')));
saveSafetensorsFile(output, kept, metadata);
process.stdout.write(`${output}: kept ${kept.size} of ${tensors.size} tensors (dropped ${tensors.size - kept.size} replay.* tensors)\n`);
