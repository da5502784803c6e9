/**
 * A fixed amount of CPU work (xorshift), so that scaling shows in wall time: a loop that spins
 * until a deadline would take as long on a crowded CPU as on an idle one.
 */
export function burn(iterations) {
  let x = 2463534242;
  let sum = 0;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    sum = (sum + (x >>> 0)) % 1000003;
  }
  return sum;
}
