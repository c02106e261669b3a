#!/bin/sh
# A larger run of the stays state machine (tests/exchanges/test_state_machine.py) than the one
# in `make test`: more examples, longer sequences, and a fresh random seed unless SEED is set
# to "derandomize". Against its own embedded PostgreSQL and Redis under var/bench-sm/.
#   bench/stays_state_machine.sh                 # 300 examples of 60 steps, random
#   EXAMPLES=1000 STEPS=100 bench/stays_state_machine.sh
set -eu
cd "$(dirname "$0")/.."
export STAYS_MACHINE_EXAMPLES="${EXAMPLES:-300}"
export STAYS_MACHINE_STEPS="${STEPS:-60}"
if [ "${SEED:-random}" != "derandomize" ]; then
    export STAYS_MACHINE_SEED=1
fi
DEBUG=1 exec .venv/bin/python -m devtools.embedded --data var/bench-sm exec -- \
    .venv/bin/python -m pytest --basetemp=var/bench-sm/tmp -q -p no:cacheprovider \
    tests/exchanges/test_state_machine.py
