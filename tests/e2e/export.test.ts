/**
 * The page's ONNX side (issue 26): "Export ONNX" downloads the policy the view plays, as a model whose
 * actions in ONNX Runtime (run here in Node) are our policy's own; the "ONNX Runtime" toggle plays that
 * model through onnxruntime-web in the view worker, and the pole stays up.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import '../../envs/index.ts';
import { Rng } from '../../src/core/rng.ts';
import { make } from '../../src/gym/registry.ts';
import { readSafetensorsFile } from '../../src/nn/safetensors-node.ts';
import { getAgent } from '../../agents/index.ts';
import { E2E, dojo, openSandbox, sharedBrowser } from './browser.ts';
import { loadSession, randomObservations, runSession } from '../export/ort.ts';

const ZOO_FILE = 'CartPole-v1.ppo.safetensors';
/** Observations on which the downloaded model and our policy must agree. */
const N = 300;

/** True when the HUD names ONNX Runtime as the engine that plays. */
function hudSaysOnnx(): boolean {
  return document.querySelector('#hud')?.textContent?.includes('played by ONNX Runtime') === true;
}

describe.skipIf(!E2E)('ONNX on the page', () => {
  const browser = sharedBrowser();

  it('exports the played policy as a model that acts as ours in ONNX Runtime, and balances the pole played by onnxruntime-web', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));

    // the view plays random actions: nothing to export, and the page says so
    await page.click('#onnx-btn');
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.textContent('#error-text')).toMatch(/^Export ONNX: nothing to export: the view plays random actions\. Load a checkpoint/);
    await page.click('#error-close');

    await page.click(`[data-zoo="${ZOO_FILE}"]`);
    await page.waitForFunction(() => document.querySelector('#ckpt-status')?.textContent?.startsWith('Playing') === true);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#onnx-btn')]);
    expect(download.suggestedFilename()).toBe('CartPole-v1.ppo.onnx');
    const bytes = new Uint8Array(readFileSync(await download.path()));

    // the downloaded model, in ONNX Runtime (Node), takes our policy's deterministic actions
    const { tensors, metadata } = readSafetensorsFile(`zoo/${ZOO_FILE}`);
    const env = make('CartPole-v1');
    const policy = getAgent('ppo').loadPolicy({ tensors, metadata }, env.observationSpace, env.actionSpace);
    const obs = randomObservations(env.observationSpace, N, new Rng(26));
    env.close();
    const out = await runSession(await loadSession(bytes), { obs: { data: obs.flat, dims: [N, obs.dim] } });
    const ours = Float32Array.from(obs.values, (o) => policy.act(o, { deterministic: true }) as number);
    expect(Array.from(out.action)).toEqual(Array.from(ours));
    expect(new Set(ours).size, 'both actions occur, so agreeing means something').toBe(2);

    // the toggle: a fresh episode, every action of it from ONNX Runtime, keeps the pole up
    const toggledAt = Date.now();
    await page.check('#onnx-check');
    await page.waitForFunction(hudSaysOnnx, null, { timeout: 60_000 });
    console.log(`ONNX Runtime played its first frame ${Date.now() - toggledAt} ms after the toggle (wasm loaded, model exported, session built)`);
    const first = await dojo(page, (d) => d.lastFrame());
    await page.waitForTimeout(3000);
    const frame = await dojo(page, (d) => d.lastFrame());
    expect(frame?.display).toBe(first?.display); // no new display (no error fell back to our core)
    // at 50 fps, 3 s of view is well over 100 steps of the one episode played since the toggle
    expect(frame?.len).toBeGreaterThan(100);
    console.log(`ONNX Runtime played ${frame?.len} steps of one episode in 3 s`);
    expect(await page.evaluate(hudSaysOnnx)).toBe(true);
    expect(await page.isVisible('#error')).toBe(false);

    // and back: our core plays again, and the HUD says nothing of ONNX Runtime
    await page.uncheck('#onnx-check');
    await page.waitForFunction(() => document.querySelector('#hud')?.textContent?.includes('ONNX') === false);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
