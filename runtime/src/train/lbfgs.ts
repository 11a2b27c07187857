/**
 * Limited-memory BFGS with a backtracking (Armijo) line search, for the smooth
 * convex objectives of the built-in trainers.
 */
export type ObjectiveFunction = (theta: Float64Array, gradient: Float64Array) => number;

export interface LbfgsOptions {
  maxIterations: number;
  /** Converged when max |gradient| <= this, or when the value improves by less than this twice in a row. */
  tolerance: number;
  memory?: number;
  onIteration?: (iteration: number, value: number) => void;
}

export interface LbfgsResult {
  theta: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

export function minimizeLbfgs(objective: ObjectiveFunction, start: Float64Array, options: LbfgsOptions): LbfgsResult {
  const n = start.length;
  const memory = options.memory ?? 10;
  const theta = Float64Array.from(start);
  const gradient = new Float64Array(n);
  let value = objective(theta, gradient);
  const sHistory: Float64Array[] = [];
  const yHistory: Float64Array[] = [];
  const rhoHistory: number[] = [];
  const direction = new Float64Array(n);
  const candidate = new Float64Array(n);
  const candidateGradient = new Float64Array(n);
  const alpha = new Float64Array(memory);
  let smallImprovements = 0;

  for (let iteration = 1; iteration <= options.maxIterations; iteration++) {
    if (maxAbs(gradient) <= options.tolerance) return { theta, value, iterations: iteration - 1, converged: true };

    twoLoopDirection(gradient, sHistory, yHistory, rhoHistory, alpha, direction);
    let slope = dot(gradient, direction);
    if (!(slope < 0)) {
      // not a descent direction (numerical trouble): restart from steepest descent
      sHistory.length = yHistory.length = rhoHistory.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -gradient[i]!;
      slope = dot(gradient, direction);
    }
    let step = sHistory.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    let candidateValue = Infinity;
    let accepted = false;
    for (let attempt = 0; attempt < 40; attempt++) {
      for (let i = 0; i < n; i++) candidate[i] = theta[i]! + step * direction[i]!;
      candidateValue = objective(candidate, candidateGradient);
      if (Number.isFinite(candidateValue) && candidateValue <= value + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) return { theta, value, iterations: iteration, converged: false };

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = candidate[i]! - theta[i]!;
      y[i] = candidateGradient[i]! - gradient[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (sHistory.length === memory) {
        sHistory.shift();
        yHistory.shift();
        rhoHistory.shift();
      }
      sHistory.push(s);
      yHistory.push(y);
      rhoHistory.push(1 / sy);
    }
    const previous = value;
    theta.set(candidate);
    gradient.set(candidateGradient);
    value = candidateValue;
    options.onIteration?.(iteration, value);
    smallImprovements = previous - value < options.tolerance ? smallImprovements + 1 : 0;
    if (smallImprovements >= 2) return { theta, value, iterations: iteration, converged: true };
    if (previous - value <= 1e-15 * Math.max(1, Math.abs(value))) {
      return { theta, value, iterations: iteration, converged: maxAbs(gradient) <= options.tolerance };
    }
  }
  return { theta, value, iterations: options.maxIterations, converged: maxAbs(gradient) <= options.tolerance };
}

function twoLoopDirection(
  gradient: Float64Array,
  sHistory: Float64Array[],
  yHistory: Float64Array[],
  rhoHistory: number[],
  alpha: Float64Array,
  direction: Float64Array,
): void {
  const n = gradient.length;
  for (let i = 0; i < n; i++) direction[i] = -gradient[i]!;
  const m = sHistory.length;
  for (let h = m - 1; h >= 0; h--) {
    const a = rhoHistory[h]! * dot(sHistory[h]!, direction);
    alpha[h] = a;
    axpy(-a, yHistory[h]!, direction);
  }
  if (m > 0) {
    const gamma = dot(sHistory[m - 1]!, yHistory[m - 1]!) / dot(yHistory[m - 1]!, yHistory[m - 1]!);
    for (let i = 0; i < n; i++) direction[i]! *= gamma;
  }
  for (let h = 0; h < m; h++) {
    const b = rhoHistory[h]! * dot(yHistory[h]!, direction);
    axpy(alpha[h]! - b, sHistory[h]!, direction);
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i]! += a * x[i]!;
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}
