/**
 * Controls a newcomer understands (issue 21): the env and the algorithm in a sentence each, settings
 * with human labels and a line of explanation, the few that matter first and the rest under "Advanced",
 * and the live ones (learning rate, entropy) acting on a run that trains.
 */
import { describe, expect, inject, it } from 'vitest';
import { E2E, dojo, openSandbox, setUp, sharedBrowser } from './browser.ts';

describe.skipIf(!E2E)('the controls', () => {
  const browser = sharedBrowser();

  it('describe env and algorithm in words and put the main settings first', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    expect(await page.textContent('#env-about')).toMatch(/^A pole stands on a cart: the agent sees .* pushes the cart left or right/);
    expect(await page.textContent('#algo-doc')).toMatch(/^Proximal Policy Optimization: /);
    expect(await page.textContent('.stage')).not.toContain('Spaces:');
    expect(await page.isVisible('#env-doc')).toBe(false); // the spaces and bounds sit under a summary
    // algorithm names fit: the paper is in the tooltip
    const options = await page.$$eval('#algo-select option', (os) => os.map((o) => [o.textContent, (o as HTMLOptionElement).title]));
    expect(options.find(([t]) => t?.startsWith('PPO'))).toEqual(['PPO: Proximal Policy Optimization', expect.stringContaining('Schulman')]);
    // human labels, the main ones first, explanations visible
    const main = await page.$$eval('#config-form > .field .field-name', (ns) => ns.map((n) => n.firstChild?.textContent));
    expect(main.slice(0, 4)).toEqual(['Random seed', 'Training steps', 'Learning rate', 'Exploration bonus (entropy)']);
    expect(await page.textContent('#config-form > .field:nth-of-type(3) .field-doc')).toBe('the learning rate of the optimizer');
    expect(await page.isVisible('#cfg-gaeLambda')).toBe(false);
    await page.click('#config-form details.advanced > summary');
    expect(await page.isVisible('#cfg-gaeLambda')).toBe(true);
    expect(await page.getAttribute('#cfg-gaeLambda', 'id')).toBe('cfg-gaeLambda');
    expect(await page.$eval('label:has(#cfg-gaeLambda)', (l) => (l as HTMLElement).title)).toMatch(/^--gae-lambda: /);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('lets the learning rate change while a run trains, and locks the rest', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    await setUp(page, 'CartPole-v1', 'ppo', {}, 'fast');
    await page.uncheck('#cfg-annealLr');
    await page.fill('#cfg-learningRate', '0.0001');
    await page.click('#start-btn');
    await page.waitForFunction(() => (window as unknown as { dojo: { rows(): unknown[] } }).dojo.rows().length >= 1, null, { timeout: 60_000 });
    expect(await page.isEnabled('#cfg-learningRate')).toBe(true);
    expect(await page.isEnabled('#cfg-entCoef')).toBe(true);
    expect(await page.isEnabled('#cfg-gamma')).toBe(false);
    expect(await page.isEnabled('#cfg-numSteps')).toBe(false);
    await page.fill('#cfg-learningRate', '0.0007');
    await page.dispatchEvent('#cfg-learningRate', 'change');
    const before = (await dojo(page, (d) => d.rows())).length;
    await page.waitForFunction((n) => {
      const rows = (window as unknown as { dojo: { rows(): Array<Record<string, number>> } }).dojo.rows();
      return rows.length > n && Math.abs(rows[rows.length - 1]['charts/learning_rate'] - 0.0007) < 1e-9;
    }, before, { timeout: 90_000 });
    const rates = (await dojo(page, (d) => d.rows())).map((r) => r['charts/learning_rate']);
    expect(rates[0]).toBeCloseTo(0.0001, 9);
    await page.click('#pause-btn');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
