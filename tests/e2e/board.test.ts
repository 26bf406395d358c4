/**
 * Click-to-move: a scripted player (win if it can, block if it must, else centre, corners, edges)
 * clicks the canvas cells of Tic-Tac-Toe and beats the random opponent; the board shows each move.
 */
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Scene } from '../../src/gym/scene.ts';
import { E2E, sharedBrowser, dojo, openSandbox } from './browser.ts';

const LINES = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8], [0, 4, 8], [2, 4, 6]];
const PREFERENCE = [4, 0, 2, 6, 8, 1, 3, 5, 7];

/** The board from a scene: 1 for X (a polygon cross), 2 for O (a ring), 0 empty. */
function boardOf(scene: Scene): number[] {
  const board = new Array<number>(9).fill(0);
  for (const s of scene.shapes) {
    const m = /^piece:(\d):(\d)$/.exec(s.id);
    if (m !== null) board[Number(m[1]) * 3 + Number(m[2])] = s.kind === 'polygon' ? 1 : 2;
  }
  return board;
}

/** The move that completes a line of `who`, or -1. */
function completing(board: readonly number[], who: number): number {
  for (const line of LINES) {
    const mine = line.filter((i) => board[i] === who).length;
    const empty = line.filter((i) => board[i] === 0);
    if (mine === 2 && empty.length === 1) return empty[0];
  }
  return -1;
}

function choose(board: readonly number[]): number {
  const win = completing(board, 1);
  if (win >= 0) return win;
  const block = completing(board, 2);
  if (block >= 0) return block;
  return PREFERENCE.find((i) => board[i] === 0) ?? -1;
}

async function settledScene(page: Page, pieces: number): Promise<Scene> {
  await page.waitForFunction(
    (n) => {
      const d = (window as unknown as { dojo: { lastScene(): Scene | null; state(): { queue: number } } }).dojo;
      const scene = d.lastScene();
      return scene !== null && d.state().queue === 0 && scene.shapes.filter((s) => s.id.startsWith('piece:')).length >= n;
    },
    pieces,
    { timeout: 10_000 },
  );
  return (await dojo(page, (d) => d.lastScene())) as Scene;
}

describe.skipIf(!E2E)('board games', () => {
  const browser = sharedBrowser();

  it('a scripted sequence of clicks wins Tic-Tac-Toe against a random opponent', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    await page.selectOption('#env-select', 'TicTacToe-v0');
    await page.click('#board-btn');
    await page.selectOption('#opponent-select', 'random');
    await page.selectOption('#seat-select', '0');
    await page.click('#board-new');
    let status = '';
    for (let game = 0; game < 3 && status !== 'You win!'; game++) {
      if (game > 0) await page.click('#board-new');
      let scene = await settledScene(page, 0);
      for (let move = 0; move < 5; move++) {
        const board = boardOf(scene);
        const pieces = board.filter((v) => v !== 0).length;
        const cell = choose(board);
        const cellId = `cell:${Math.floor(cell / 3)}:${cell % 3}`;
        // the renderer draws a scene on its next animation frame: wait until the cell is on screen
        await page.waitForFunction((id) => (window as unknown as { dojo: { shapePoint(id: string): unknown } }).dojo.shapePoint(id) !== null, cellId, { timeout: 10_000 });
        const point = await page.evaluate((id) => (window as unknown as { dojo: { shapePoint(id: string): { x: number; y: number } | null } }).dojo.shapePoint(id), cellId);
        expect(point).not.toBeNull();
        await page.mouse.click(point!.x, point!.y);
        // the board shows my move, then the reply (unless the game ended)
        scene = await settledScene(page, pieces + 1);
        const after = boardOf(scene);
        expect(after[cell]).toBe(1);
        status = (await page.textContent('#board-status')) ?? '';
        if (/win|lose|Draw/.test(status)) break;
        scene = await settledScene(page, pieces + 2);
        expect(boardOf(scene).filter((v) => v === 2).length).toBe(board.filter((v) => v === 2).length + 1);
      }
    }
    expect(status).toBe('You win!');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
