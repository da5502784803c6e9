/**
 * workerpool's worker for the CLI start-up case (workerType 'process').
 */
import workerpool from 'workerpool';
import { fib } from './fib.mjs';

workerpool.worker({ fib });
