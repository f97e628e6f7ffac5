import { describe, expect, it } from 'vitest';

describe('the test runtime', () => {
  it('is Node.js 24, the version Lambda runs (nodejs24.x), from the node package in devDependencies', () => {
    expect(
      process.versions.node.split('.')[0],
      'npm test runs on the Node.js 24 of node_modules/.bin (devDependency "node"): run `npm ci` first',
    ).toBe('24');
  });
});
