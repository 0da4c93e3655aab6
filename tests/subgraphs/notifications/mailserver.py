"""A real SMTP server for tests (aiosmtpd on a loopback port): plain, STARTTLS or TLS, with or without
auth, that keeps what it accepts and can refuse (451) or go away for a while."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.harness import free_port

USER, PASSWORD = "mailer", "Sm7p-Passw0rd"


@dataclass
class Received:
    recipients: list[str]
    message: EmailMessage

    @property
    def kind(self) -> str:
        return str(self.message["X-Aurontek-Notice"])

    def part(self, subtype: str) -> str:
        found = self.message.get_body(preferencelist=(subtype,))
        assert found is not None, f"no text/{subtype} part"
        return str(found.get_content())  # type: ignore[attr-defined]


@dataclass
class Mailbox:
    """The aiosmtpd handler: keeps every accepted message; `refusing` answers 451 to DATA instead, and
    addresses in `unknown` are refused for good (550)."""

    received: list[Received] = field(default_factory=list)
    refusing: bool = False
    unknown: set[str] = field(default_factory=set)
    refused: int = 0
    logins: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.lower() in self.unknown:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refusing:
            with self.lock:
                self.refused += 1
            return "451 4.3.0 Mailbox busy, try again later"
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 2.0.0 OK"

    def to(self, address: str, kind: str | None = None) -> list[Received]:
        with self.lock:
            return [r for r in self.received if address.lower() in (a.lower() for a in r.recipients)
                    and (kind is None or r.kind == kind)]

    async def wait_for(self, address: str, kind: str | None = None, *, count: int = 1,
                       timeout: float = 10.0) -> list[Received]:
        """The messages to `address` (of `kind`) once there are `count`; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while len(found := self.to(address, kind)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(found)} of {count} {kind or ''} mails reached {address} in {timeout}s")
            await asyncio.sleep(0.02)
        return found


def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (USER.encode(),
                                                                                            PASSWORD.encode())
    if ok:
        server.event_handler.logins.append(USER)
    return AuthResult(success=ok, handled=False)


class MailServer:
    """One aiosmtpd server on its own port; `stop()` and `start()` again on the same port."""

    def __init__(self, *, tls: str = "none", auth: bool = False, certificate: Certificate | None = None) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self.tls = tls  # none | starttls | implicit
        self.auth = auth
        self.certificate = certificate
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        scheme = {"none": "smtp", "starttls": "smtp+starttls", "implicit": "smtps"}[self.tls]
        credentials = f"{USER}:{PASSWORD}@" if self.auth else ""
        return f"{scheme}://{credentials}127.0.0.1:{self.port}"

    def start(self) -> MailServer:
        options: dict[str, Any] = {}
        if self.tls != "none":
            assert self.certificate is not None
            context = self.certificate.server_context()
            options = {"tls_context": context, "require_starttls": True} if self.tls == "starttls" else {
                "ssl_context": context}
        if self.auth:
            # aiosmtpd does not notice implicit TLS, so it would hide AUTH on a connection that is encrypted.
            options |= {"authenticator": authenticate, "auth_required": True,
                        "auth_require_tls": self.tls != "implicit"}
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@dataclass
class Certificate:
    """A self-signed certificate for 127.0.0.1; clients trust it through `cert_file`."""

    cert_file: Path
    key_file: Path

    @classmethod
    def create(cls, directory: Path) -> Certificate:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
        now = datetime.datetime.now(datetime.UTC)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
                .not_valid_after(now + datetime.timedelta(days=1))
                .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                            x509.DNSName("localhost")]), critical=False)
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .sign(key, hashes.SHA256()))
        cert_file, key_file = directory / "smtp.crt", directory / "smtp.key"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        return cls(cert_file, key_file)

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context
