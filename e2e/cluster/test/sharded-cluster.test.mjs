// The mixed cluster on the sharded protocol (SPUBLISH/SSUBSCRIBE, dynamic subscription mode).

import { mixedClusterTests } from "./support/mixed-suite.mjs";

mixedClusterTests({ sharded: true });
