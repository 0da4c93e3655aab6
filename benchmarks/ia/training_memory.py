"""Peak memory of training one triage classifier, by members and number of tickets (for sizing the IA host).

Run from the repository root (reads `../shared/datasets/it-service-tickets.zip` in place):

    .venv/bin/python -m benchmarks.ia.training_memory [--sizes 3000 20000]

Each configuration trains in a fresh process on the first N tickets of the data set, as a company's
classifier is trained in the service (`IA_TRAIN_MAX_EXAMPLES` caps N there, 20,000 by default), and
reports that process's peak resident memory: the model and torch once loaded, plus what training held.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

from subgraphs.ia.triage import TriageClassifier, TriageConfig
from subgraphs.ia.triage.model import SPARSE_MEMBERS

CONFIGURATIONS = {
    "default (token_head)": TriageConfig().members,
    "embedding_logistic": (*SPARSE_MEMBERS, "embedding_logistic"),
    "n-grams only": SPARSE_MEMBERS,
}


def _train(members: tuple[str, ...], size: int) -> dict[str, float]:
    from benchmarks.ia.classifier import DATASET, load_tickets

    texts, labels = load_tickets(DATASET)
    began = time.monotonic()
    TriageClassifier(TriageConfig(members=members)).fit(texts[:size], labels[:size])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"peak_mib": round(peak), "seconds": round(time.monotonic() - began)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 20000])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)  # members, size: one measurement
    args = parser.parse_args()
    if args.child:
        members, size = args.child
        print(json.dumps(_train(tuple(members.split(",")), int(size))))
        return 0
    print("| members | " + " | ".join(f"{size:,} tickets" for size in args.sizes) + " |")
    print("|---|" + "---|" * len(args.sizes))
    for name, members in CONFIGURATIONS.items():
        cells = []
        for size in args.sizes:
            done = subprocess.run([sys.executable, "-m", "benchmarks.ia.training_memory", "--child", ",".join(members),
                                   str(size)], capture_output=True, text=True, check=True)
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            cells.append(f"{figures['peak_mib']:,} MiB, {figures['seconds']} s")
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
