/**
 * bench:learn rewrites only its own section of bench/LEARNING.md: the hand-assembled sections around it
 * stay byte for byte.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEARN_BEGIN, LEARN_END, replaceLearnSection } from '../../bench/learn.ts';

const intro = '# Learning results\n\nHow to read the tables.\n\n';
const hand = '## The agents issue\'s table\n\nHand-assembled notes.\n\n## Arcade games\n\nMore notes.\n';

describe('replaceLearnSection', () => {
  it('inserts the section before the first heading the first time, and keeps every other line', () => {
    const out = replaceLearnSection(intro + hand, '## Latest full run\n\n| a | b |');
    expect(out).toBe(`${intro}${LEARN_BEGIN}\n## Latest full run\n\n| a | b |\n${LEARN_END}\n\n${hand}`);
  });

  it('replaces only what lies between the markers on later runs', () => {
    const once = replaceLearnSection(intro + hand, '## Latest full run\n\nold rows');
    const twice = replaceLearnSection(once, '## Latest full run\n\nnew rows');
    expect(twice).toBe(once.replace('old rows', 'new rows'));
    expect(twice.endsWith(hand)).toBe(true);
    expect(twice.startsWith(intro)).toBe(true);
  });

  it('refuses a file with one marker only', () => {
    expect(() => replaceLearnSection(`${intro}${LEARN_BEGIN}\n${hand}`, 'x')).toThrow(/begin marker without the end marker/);
  });

  it('keeps the hand-assembled sections of the real bench/LEARNING.md', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'bench', 'LEARNING.md'), 'utf8');
    const out = replaceLearnSection(doc, '## Latest full run\n\nrows');
    for (const heading of doc.match(/^## .*$/gm) ?? []) expect(out).toContain(`${heading}\n`);
    expect(out.replace(/<!-- bench:learn begin[\s\S]*?<!-- bench:learn end -->\n\n/, '')).toBe(doc.replace(/<!-- bench:learn begin[\s\S]*?<!-- bench:learn end -->\n\n/, ''));
  });
});
