import { afterEach, expect } from 'vitest';
import { takePageProblems } from './console-browser.ts';

/**
 * Every browser test fails on a page error it did not expect (issue 22: an infinite effect loop on
 * the admin screen went unseen until a selector timed out). A test that expects some takes them
 * with `takePageProblems()` and checks them itself; whatever is left fails here.
 */
afterEach(() => {
  expect(takePageProblems(), 'page errors, failed requests or 5xx responses in the browser').toEqual([]);
});
