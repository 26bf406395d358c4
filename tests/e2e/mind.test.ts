/**
 * The agent's mind beside the view (issue 21): action probabilities and the value estimate for discrete
 * policies, mean ± σ for boxes, move priors for board games, updated live while a run trains; and the
 * greedy/sampled switch with both returns side by side (issue 28).
 */
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { E2E, openSandbox, setUp, sharedBrowser } from './browser.ts';

type Row = { label: string; value: number; spread: number | null; taken: boolean };

/** The mind panel as drawn: its kind, the step it shows, its rows and the value line. */
function readMind(page: Page): Promise<{ kind: string; step: number; rows: Row[]; value: string; note: string }> {
  return page.$eval('#mind', (m) => ({
    kind: (m as HTMLElement).dataset.kind ?? '',
    step: Number((m as HTMLElement).dataset.step ?? -1),
    rows: [...m.querySelectorAll<HTMLElement>('.mind-row')].map((r) => ({ label: r.querySelector('.mind-label')?.textContent ?? '', value: Number(r.dataset.value), spread: r.dataset.spread === undefined ? null : Number(r.dataset.spread), taken: r.classList.contains('taken') })),
    value: m.querySelector('.mind-value')?.textContent ?? '',
    note: m.querySelector('.mind-note')?.textContent ?? '',
  }));
}

async function loadZoo(page: Page, file: string): Promise<void> {
  await page.click(`[data-zoo="${file}"]`);
  await page.waitForFunction((f) => document.querySelector('#ckpt-status')?.textContent?.startsWith(`Playing ${f}`) === true, file, { timeout: 60_000 });
}

/** Waits until the panel shows `kind` at a step other than `after`. */
function waitStep(page: Page, kind: string, after = -1): Promise<unknown> {
  return page.waitForFunction(([k, a]) => {
    const m = document.querySelector<HTMLElement>('#mind')!;
    return m.dataset.kind === k && Number(m.dataset.step) !== a;
  }, [kind, after] as const, { timeout: 30_000 });
}

describe.skipIf(!E2E)("the agent's mind", () => {
  const browser = sharedBrowser();

  it('shows π(a|s) and V(s) of the trained CartPole agent, step by step', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    expect((await readMind(page)).kind).toBe('none'); // random actions: nothing to read
    await loadZoo(page, 'CartPole-v1.ppo.safetensors');
    await waitStep(page, 'probs');
    const a = await readMind(page);
    expect(a.rows.map((r) => r.label)).toEqual(['0: push the cart left', '1: push the cart right']);
    expect(a.rows[0].value + a.rows[1].value).toBeCloseTo(1, 5);
    expect(a.rows.filter((r) => r.taken)).toHaveLength(1);
    // greedy view: the action taken is the likelier one
    expect(a.rows.find((r) => r.taken)!.value).toBeGreaterThanOrEqual(0.5);
    expect(a.value).toMatch(/^V\(s\): the return the critic expects from here: -?\d/);
    // live: later steps, other numbers
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const m = await readMind(page);
      seen.add(m.rows.map((r) => r.value.toFixed(4)).join(','));
      await waitStep(page, 'probs', m.step);
    }
    expect(seen.size).toBeGreaterThan(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows mean ± σ for a box policy (SAC on Pendulum) and move priors for a board game (AlphaZero)', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    await loadZoo(page, 'Pendulum-v1.sac.safetensors');
    await waitStep(page, 'box');
    const box = await readMind(page);
    expect(box.rows).toHaveLength(1);
    expect(box.rows[0].value).toBeGreaterThanOrEqual(-2);
    expect(box.rows[0].value).toBeLessThanOrEqual(2);
    expect(box.rows[0].spread).toBeGreaterThanOrEqual(0);

    await loadZoo(page, 'TicTacToe-v0.alphazero.safetensors');
    await waitStep(page, 'probs');
    const board = await readMind(page);
    expect(board.rows.length).toBeGreaterThan(0);
    expect(board.rows.length).toBeLessThanOrEqual(9);
    expect(board.rows.every((r) => /^move \d$/.test(r.label))).toBe(true);
    expect(board.note).toContain('MCTS');
    expect(board.value).toMatch(/^value for the player to move/);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('updates live while a run trains', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    await setUp(page, 'CartPole-v1', 'ppo', {}, 'fast');
    await page.click('#start-btn');
    await waitStep(page, 'probs');
    const first = (await readMind(page)).step;
    await waitStep(page, 'probs', first);
    await page.click('#pause-btn');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('switches the view between greedy and sampled actions and shows both returns side by side', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    await loadZoo(page, 'Catch-v0.ppo.safetensors');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#compare')?.dataset.greedy !== '', null, { timeout: 30_000 });
    expect(await page.textContent('#compare')).toMatch(/greedy -?\d+\.\d \(mean of \d\) · sampled: no episode yet\. Switch to sampled to compare\./);
    await page.check('#sampled-radio');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#compare')?.dataset.sampled !== '', null, { timeout: 30_000 });
    expect(await page.textContent('#compare')).toMatch(/^Returns in the view: greedy -?\d+\.\d \(mean of \d\) · sampled -?\d+\.\d \(mean of \d\)\./);
    // sampled actions: the action taken need not be the likeliest; the setting is remembered
    expect(await page.isChecked('#sampled-radio')).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
