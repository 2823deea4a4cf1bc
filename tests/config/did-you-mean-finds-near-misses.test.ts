import { describe, expect, test } from 'vitest';
import { closestMatch, editDistance } from '../../src/config/did-you-mean.ts';

describe('closestMatch', () => {
  const keys = ['num_clients', 'request_size', 'execution_time', 'top_k', 'method'];

  test('finds typos, transpositions, case and dash differences', () => {
    expect(closestMatch('num_client', keys)).toBe('num_clients');
    expect(closestMatch('mehtod', keys)).toBe('method');
    expect(closestMatch('Request-Size', keys)).toBe('request_size');
    expect(closestMatch('exec_time', keys)).toBe('execution_time');
  });

  test('offers nothing for words that are not near any candidate', () => {
    expect(closestMatch('slack', keys)).toBeUndefined();
    expect(closestMatch('x', keys)).toBeUndefined();
  });

  test('edit distance counts an adjacent swap as one edit', () => {
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
