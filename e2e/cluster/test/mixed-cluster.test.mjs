// The mixed cluster on the classic protocol (PUBLISH/SUBSCRIBE), the one the emitter also speaks.

import { mixedClusterTests } from "./support/mixed-suite.mjs";

mixedClusterTests({ sharded: false });
