#!/usr/bin/env bash
# Roll out image tag TAG on this host: pull, restart the stack, wait until every container is healthy and the
# gateway serves its supergraph, and roll back to the previous tag when it does not. Run by the deploy
# workflow over SSH in the app directory (/opt/aurontek), or by hand:  deploy/rollout.sh <tag>
set -euo pipefail

TAG=${1:?usage: deploy/rollout.sh TAG}
APP_DIR=${APP_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
HEALTH_TIMEOUT=${HEALTH_TIMEOUT:-300}   # seconds: a 1 GB host starts six Python services slowly
LOG=${ROLLOUT_LOG:-/var/log/aurontek/rollout.log}
cd "$APP_DIR"
compose=(docker compose --profile edge)

log() { echo "$(date -u +%FT%TZ) $*" | tee -a "$LOG" 2>/dev/null || echo "$*"; }

set_tag() {  # the tag lives in .env, so a reboot or a manual `docker compose up` keeps the rolled-out one
  if grep -q '^IMAGE_TAG=' .env; then sed -i "s/^IMAGE_TAG=.*/IMAGE_TAG=$1/" .env; else echo "IMAGE_TAG=$1" >> .env; fi
}

healthy() {  # every container of the project healthy (or running, when it has no health check)
  local ids states
  ids=$("${compose[@]}" ps -q)
  [ -n "$ids" ] || return 1
  # shellcheck disable=SC2086
  states=$(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' $ids)
  ! grep -qvE '^(healthy|running)$' <<<"$states" || return 1
  curl -fsS --max-time 5 http://127.0.0.1:3000/health | grep -q '"supergraph":true'
}

wait_healthy() {
  local deadline=$(( $(date +%s) + HEALTH_TIMEOUT ))
  until healthy; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 5
  done
}

deploy() {
  set_tag "$1"
  "${compose[@]}" pull --quiet
  "${compose[@]}" up -d --remove-orphans
  wait_healthy
}

previous=$(sed -n 's/^IMAGE_TAG=//p' .env | tail -1)
log "rolling out $TAG (running: ${previous:-none})"
if deploy "$TAG"; then
  log "rolled out $TAG: every service healthy"
  docker image prune -f >/dev/null   # old layers would fill a small disk
  exit 0
fi
log "$TAG did not become healthy in ${HEALTH_TIMEOUT}s:"
"${compose[@]}" ps | tee -a "$LOG" || true
if [ -n "$previous" ] && [ "$previous" != "$TAG" ]; then
  log "rolling back to $previous"
  if deploy "$previous"; then
    log "rolled back to $previous"
  else
    log "rollback to $previous is not healthy either: look at 'docker compose logs'"
  fi
fi
exit 1
