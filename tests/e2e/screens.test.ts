/**
 * The view is right on every screen: at device pixel ratio 1, 2 and 3, on a desktop monitor and a phone,
 * the scene fills the view (uniform scale, centred) and is drawn at the device's resolution. The test
 * reads real pixels: it finds CartPole's cart by its colour in a screenshot of the canvas and checks
 * where and how large it lands against the fit computed here from the canvas box and the scene bounds
 * (the renderer's own transform would agree with a wrong fit, so it is not used).
 */
import { PNG } from 'pngjs';
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { E2E, sharedBrowser, SCREENS, dojo, openSandbox } from './browser.ts';

/** CartPole's cart colour (#2b2d42) and size in world units (envs/classic/cart-pole.ts). */
const CART = { r: 0x2b, g: 0x2d, b: 0x42, width: 0.4, height: 0.24 };

/** Bounding box (CSS pixels, relative to the canvas) of the pixels close to the cart's colour. */
async function cartBox(page: Page): Promise<{ x0: number; x1: number; y0: number; y1: number } | null> {
  await page.addStyleTag({ content: '#gameover { visibility: hidden; }' }); // the end of an episode is said over the canvas
  const png = PNG.sync.read(await page.locator('#view canvas').screenshot({ scale: 'css' }));
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      if (Math.abs(png.data[i] - CART.r) + Math.abs(png.data[i + 1] - CART.g) + Math.abs(png.data[i + 2] - CART.b) > 24) continue;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
  }
  return x0 === Infinity ? null : { x0, x1: x1 + 1, y0, y1: y1 + 1 };
}

describe.skipIf(!E2E)('the view on every screen', () => {
  const browser = sharedBrowser();

  for (const [name, screen] of Object.entries(SCREENS)) {
    it(`fills the view and draws sharp on a ${name} screen (${screen.viewport.width}×${screen.viewport.height}, DPR ${screen.deviceScaleFactor})`, async () => {
      const { page, errors } = await openSandbox(browser(), inject('baseUrl'), screen);
      await page.locator('#view canvas').scrollIntoViewIfNeeded();
      const canvas = await page.$eval('#view canvas', (c) => {
        const r = c.getBoundingClientRect();
        return { w: r.width, h: r.height, pixelW: (c as HTMLCanvasElement).width, pixelH: (c as HTMLCanvasElement).height };
      });
      // sharp: the backing store has the device's pixels
      expect(canvas.pixelW).toBe(Math.round(canvas.w * screen.deviceScaleFactor));
      expect(canvas.pixelH).toBe(Math.round(canvas.h * screen.deviceScaleFactor));

      const scene = await dojo(page, (d) => d.lastScene());
      expect(scene).not.toBeNull();
      const b = scene!.bounds;
      const scale = Math.min(canvas.w / (b.xMax - b.xMin), canvas.h / (b.yMax - b.yMin));
      const box = await cartBox(page);
      expect(box, 'the cart is drawn').not.toBeNull();
      const { x0, x1, y0, y1 } = box!;
      // size: the cart is as large as the fit says (a fit in device pixels draws it at 1/DPR)
      expect(x1 - x0).toBeGreaterThan(CART.width * scale - 3);
      expect(x1 - x0).toBeLessThan(CART.width * scale + 3);
      expect(y1 - y0).toBeGreaterThan(CART.height * scale - 3);
      expect(y1 - y0).toBeLessThan(CART.height * scale + 3);
      // place: the cart's centre is at world y = 0, and its x is on the track within the view
      const expectedY = canvas.h / 2 + ((b.yMin + b.yMax) / 2) * scale;
      expect(Math.abs((y0 + y1) / 2 - expectedY)).toBeLessThan(3);
      const left = canvas.w / 2 + b.xMin * scale, right = canvas.w / 2 + b.xMax * scale;
      expect((x0 + x1) / 2).toBeGreaterThan(left);
      expect((x0 + x1) / 2).toBeLessThan(right);
      // the scene is centred: the track spans the view's middle
      const x = (await dojo(page, (d) => d.lastScene()))!.shapes.find((s) => s.id === 'cart')!.x;
      expect(Math.abs((x0 + x1) / 2 - (canvas.w / 2 + x * scale)), JSON.stringify({ box, canvas, x, scale })).toBeLessThan(0.5 * scale); // the cart moves between the two reads
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }
});
