import { expectNoChildren, schedulerKinds } from '../helpers.js';
import { commRequestSpecs } from '../shared/comm-request.js';

afterEach(expectNoChildren);

describe.each(schedulerKinds)('comm.request() on %s', (_kind, make) => {
  commRequestSpecs(make);
});
