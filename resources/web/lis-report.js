/* LIS web report: the reader for window.LIS_REPORT (see the contract in the README). Skeleton. */
"use strict";
