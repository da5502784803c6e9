/**
 * tinypool's worker for the CLI start-up case (runtime 'child_process').
 */
import { fib } from './fib.mjs';

export default (n) => fib(n);
