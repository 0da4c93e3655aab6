#!/usr/bin/env bash
# Prepare a small VM (1 GB, e.g. the original t2.micro; Debian 12 or Ubuntu 22.04+) to run the stack once:
# swap, kernel memory settings, log rotation, Docker with the compose plugin, a firewall, certbot for TLS, and
# /opt/aurontek owned by a deploy user. Safe to run again. As root:
#   DEPLOY_USER=deploy DOMAIN=api.helpdesk.example.com CERT_EMAIL=ops@example.com ./bootstrap-host.sh
set -euo pipefail

DEPLOY_USER=${DEPLOY_USER:-deploy}
APP_DIR=${APP_DIR:-/opt/aurontek}
SWAP_SIZE=${SWAP_SIZE:-2G}        # 1 GB of RAM runs the six services (deploy/MEMORY.md); swap absorbs peaks
DOMAIN=${DOMAIN:-}
CERT_EMAIL=${CERT_EMAIL:-}

[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive

echo "== swap ($SWAP_SIZE) and memory settings"
if ! swapon --show=NAME --noheadings | grep -q .; then
  fallocate -l "$SWAP_SIZE" /swapfile || dd if=/dev/zero of=/swapfile bs=1M count=$(( ${SWAP_SIZE%G} * 1024 ))
  chmod 600 /swapfile
  mkswap /swapfile
  swapon /swapfile
  grep -q '^/swapfile ' /etc/fstab || echo '/swapfile none swap sw 0 0' >> /etc/fstab
fi
cat > /etc/sysctl.d/90-aurontek.conf <<'SYSCTL'
# keep the services in RAM and use swap for peaks only; RabbitMQ and MongoDB dislike overcommit surprises
vm.swappiness = 10
vm.vfs_cache_pressure = 50
vm.overcommit_memory = 1
SYSCTL
sysctl --system >/dev/null

echo "== packages"
apt-get update -q
apt-get install -y -q ca-certificates curl gnupg ufw logrotate unattended-upgrades certbot
if ! command -v docker >/dev/null; then
  # Docker's own apt repository: the engine and the compose plugin, updated with the system
  . /etc/os-release
  install -m 0755 -d /etc/apt/keyrings
  curl -fsSL "https://download.docker.com/linux/${ID}/gpg" -o /etc/apt/keyrings/docker.asc
  chmod a+r /etc/apt/keyrings/docker.asc
  echo "deb [arch=$(dpkg --print-architecture) signed-by=/etc/apt/keyrings/docker.asc] \
https://download.docker.com/linux/${ID} ${VERSION_CODENAME} stable" > /etc/apt/sources.list.d/docker.list
  apt-get update -q
  apt-get install -y -q docker-ce docker-ce-cli containerd.io docker-compose-plugin
fi

echo "== log rotation"
# containers: json-file logs rotated by Docker itself (also set per service in docker-compose.yml)
mkdir -p /etc/docker
cat > /etc/docker/daemon.json <<'DOCKER'
{
  "log-driver": "json-file",
  "log-opts": {"max-size": "10m", "max-file": "3"},
  "live-restore": true
}
DOCKER
systemctl restart docker
# the journal and the deploy log stay small on an 8 GB disk
mkdir -p /etc/systemd/journald.conf.d
printf '[Journal]\nSystemMaxUse=200M\nMaxRetentionSec=14day\n' > /etc/systemd/journald.conf.d/90-aurontek.conf
systemctl restart systemd-journald
cat > /etc/logrotate.d/aurontek <<ROTATE
/var/log/aurontek/*.log {
    weekly
    rotate 8
    compress
    missingok
    notifempty
    copytruncate
}
ROTATE
mkdir -p /var/log/aurontek

echo "== firewall: SSH, HTTP and HTTPS only"
# Published ports other than the proxy's are bound to 127.0.0.1 in docker-compose.yml: Docker's own iptables
# rules bypass ufw for published ports, so nothing else may be published on all interfaces.
ufw default deny incoming
ufw default allow outgoing
ufw allow OpenSSH
ufw allow 80/tcp
ufw allow 443/tcp
ufw --force enable

echo "== deploy user and $APP_DIR"
id "$DEPLOY_USER" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$DEPLOY_USER"
usermod -aG docker "$DEPLOY_USER"
install -d -o "$DEPLOY_USER" -g "$DEPLOY_USER" -m 0750 "$APP_DIR" "$APP_DIR/deploy"
chown "$DEPLOY_USER" /var/log/aurontek
if [ ! -f "$APP_DIR/.env" ]; then
  echo "   put the stack's settings in $APP_DIR/.env (from .env.example, chmod 600) before the first deploy"
fi
mkdir -p /var/www/certbot

echo "== TLS certificate"
if [ -n "$DOMAIN" ] && [ -n "$CERT_EMAIL" ] && [ ! -d "/etc/letsencrypt/live/$DOMAIN" ]; then
  # standalone before the proxy exists; renewals then use the proxy's webroot and reload it
  certbot certonly --standalone --non-interactive --agree-tos -m "$CERT_EMAIL" -d "$DOMAIN"
  sed -i 's/^authenticator = standalone/authenticator = webroot\nwebroot_path = \/var\/www\/certbot/' \
    "/etc/letsencrypt/renewal/$DOMAIN.conf"
fi
mkdir -p /etc/letsencrypt/renewal-hooks/deploy
cat > /etc/letsencrypt/renewal-hooks/deploy/reload-proxy.sh <<HOOK
#!/bin/sh
cd $APP_DIR && docker compose --profile edge exec -T proxy nginx -s reload
HOOK
chmod +x /etc/letsencrypt/renewal-hooks/deploy/reload-proxy.sh

echo "== automatic security updates"
dpkg-reconfigure -f noninteractive unattended-upgrades

echo "bootstrap done: swap $(swapon --show=SIZE --noheadings | head -1), docker $(docker --version | cut -d' ' -f3)"
