/**
 * Generalized advantage estimation (Schulman et al. 2016, https://arxiv.org/abs/1506.02438),
 * laid out as CleanRL's ppo.py: buffers are [numSteps, numEnvs] flattened step-major.
 *
 * Truncation is handled by the caller adding γ·V(final obs) to the reward of a truncated step
 * (the time limit is not part of the MDP), and then treating the step as an episode end here.
 * `dones[t]` marks that the episode ended AT step t (terminated or truncated), so no value flows
 * from step t+1 back into t.
 */

/** Advantages and returns (advantages + values), both [numSteps·numEnvs]. */
export function computeGae(
  rewards: Float32Array, values: Float32Array, dones: Uint8Array, nextValue: Float32Array,
  numSteps: number, numEnvs: number, gamma: number, gaeLambda: number,
): { advantages: Float32Array; returns: Float32Array } {
  const advantages = new Float32Array(numSteps * numEnvs);
  const returns = new Float32Array(numSteps * numEnvs);
  for (let e = 0; e < numEnvs; e++) {
    let lastGae = 0;
    for (let t = numSteps - 1; t >= 0; t--) {
      const i = t * numEnvs + e;
      const notDone = dones[i] ? 0 : 1;
      const next = t === numSteps - 1 ? nextValue[e] : values[i + numEnvs];
      // δ_t = r_t + γ V(s_{t+1}) (1 − done_t) − V(s_t);  A_t = δ_t + γλ (1 − done_t) A_{t+1}
      const delta = rewards[i] + gamma * next * notDone - values[i];
      lastGae = delta + gamma * gaeLambda * notDone * lastGae;
      advantages[i] = lastGae;
      returns[i] = lastGae + values[i];
    }
  }
  return { advantages, returns };
}

/** Discounted returns-to-go per env, reset at episode ends (REINFORCE). */
export function discountedReturns(rewards: Float32Array, dones: Uint8Array, nextValue: Float32Array, numSteps: number, numEnvs: number, gamma: number): Float32Array {
  const out = new Float32Array(numSteps * numEnvs);
  for (let e = 0; e < numEnvs; e++) {
    let g = nextValue[e];
    for (let t = numSteps - 1; t >= 0; t--) {
      const i = t * numEnvs + e;
      g = rewards[i] + gamma * g * (dones[i] ? 0 : 1);
      out[i] = g;
    }
  }
  return out;
}

/** (x − mean) / (std + 1e-8) in place, with the sample std (advantage normalisation, as CleanRL's); a batch of one is left alone. */
export function standardize(x: Float32Array): void {
  if (x.length < 2) return;
  let m = 0, v = 0;
  for (const a of x) m += a / x.length;
  for (const a of x) v += (a - m) ** 2 / (x.length - 1);
  for (let i = 0; i < x.length; i++) x[i] = (x[i] - m) / (Math.sqrt(v) + 1e-8);
}
