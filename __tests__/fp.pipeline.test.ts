/**
 * examples/pipeline.ts: the loss of the good file against plain JavaScript, and one readable
 * report per broken file (decode, validation, unwrap), with no tensor left behind.
 */
import { main, makeData, PARAMS } from "../examples/pipeline";

/** The mean Gaussian negative log-likelihood, computed without tfjs. */
function referenceLoss(quick: boolean): number {
  const { xs, ys } = makeData(quick);
  let total = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number[];
    const z = x.map((v, j) => (v - (PARAMS.mean[j] as number)) / (PARAMS.std[j] as number));
    const prediction =
      z.reduce((s, v, j) => s + v * ((PARAMS.w[j] as number[])[0] as number), 0) + (PARAMS.b[0] as number);
    const r = ((ys[i] as number) - prediction) / PARAMS.sigma;
    total += 0.5 * r * r + Math.log(PARAMS.sigma) + 0.5 * Math.log(2 * Math.PI);
  }
  return total / xs.length;
}

test.each([true, false])(
  "pipeline example (quick: %s): loss, three error reports, no leaks",
  async (quick) => {
    const r = await main({ quick });
    expect(r.good.ok).toBe(true);
    if (r.good.ok) {
      expect(r.good.loss).toBeCloseTo(referenceLoss(quick), 4);
      expect(r.good.parameters).toBe(2 + 1 + 1 + 2 + 2); // w, b, sigma, mean, std
      expect(r.good.model).toBe(
        "{ b: float32[1], norm: { mean: float32[2], std: float32[2] }, sigma: float32[], w: float32[2,1] }",
      );
    }
    expect(r.corrupted).toEqual({
      ok: false,
      error: expect.stringMatching(/^decoding failed \(1 problem\):\n .*corrupt.*CRC-32/),
    });
    expect(r.nan).toEqual({ ok: false, error: "1 invalid leaf:\n  .w: has NaN or infinite values" });
    expect(r.badWrapper).toEqual({
      ok: false,
      error: expect.stringMatching(
        /^unwrapping failed: Parameterize at \.sigma: invSoftplus: expected non-negative inputs/,
      ),
    });
    expect(r.leaked).toBe(0);
  },
);
