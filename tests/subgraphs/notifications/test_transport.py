"""Mail transports against a real SMTP server: STARTTLS and TLS with auth, refusals, and the .eml outbox."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import aiosmtplib
import pytest

from subgraphs.notifications.mail.message import build
from subgraphs.notifications.mail.transport import DirectoryTransport, MailRefused, SmtpTransport
from tests.subgraphs.notifications.mailserver import Certificate, MailServer

SENDER = "AURONTEK <no-reply@aurontek.test>"
# The implicit-TLS test server offers AUTH on its TLS socket; aiosmtpd cannot tell and warns.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def delivery(to: str = "ana@example.test", **fields: object) -> dict[str, object]:
    return {"_id": "6a0000000000000000000001", "to": to, "subject": "Ticket TKT-1 was assigned to you",
            "createdAt": datetime(2026, 3, 2, 9, 0, tzinfo=UTC), "language": "en", "kind": "ticket_assigned",
            "mandatory": False, "text": "Plain words\n", "html": "<p>Rich words</p>", **fields}


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return Certificate.create(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def server(request: pytest.FixtureRequest, certificate: Certificate) -> Iterator[MailServer]:
    tls, auth = request.param
    running = MailServer(tls=tls, auth=auth, certificate=certificate).start()
    yield running
    running.stop()


@pytest.mark.parametrize("server", [("starttls", True), ("implicit", True), ("none", False)], indirect=True,
                         ids=["starttls+auth", "tls+auth", "plain"])
async def test_a_message_arrives_with_both_alternatives(server: MailServer, certificate: Certificate) -> None:
    transport = SmtpTransport(server.url, timeout=5, ca_file=certificate.cert_file)
    await transport.send(build(delivery(), sender=SENDER), key="k1")
    [got] = await server.mailbox.wait_for("ana@example.test")
    assert got.part("plain").rstrip() == "Plain words" and got.part("html").rstrip() == "<p>Rich words</p>"
    assert got.message["From"] == SENDER and got.message["Content-Language"] == "en"
    assert got.message["Message-ID"].endswith("@aurontek.test>")
    assert server.mailbox.logins == (["mailer"] if server.auth else [])


@pytest.mark.parametrize("server", [("none", False)], indirect=True)
async def test_a_delivery_sent_again_after_a_crash_is_the_same_message(server: MailServer) -> None:
    """At-least-once sending may send a delivery twice (a crash between the SMTP reply and recording it):
    both copies carry the one Message-ID derived from the delivery, built anew by the restarted process."""
    transport = SmtpTransport(server.url, timeout=5)
    await transport.send(build(delivery(), sender=SENDER), key="k1")
    await SmtpTransport(server.url, timeout=5).send(build(delivery(), sender=SENDER), key="k1")
    first, second = await server.mailbox.wait_for("ana@example.test", count=2)
    assert first.message["Message-ID"] == second.message["Message-ID"] == "<6a0000000000000000000001@aurontek.test>"


@pytest.mark.parametrize("server", [("starttls", True)], indirect=True)
async def test_no_mail_goes_to_an_untrusted_server_or_with_a_wrong_password(server: MailServer,
                                                                            certificate: Certificate) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):  # the self-signed certificate is not trusted by default
        await SmtpTransport(server.url, timeout=5).send(build(delivery(), sender=SENDER), key="k")
    wrong = server.url.replace("Sm7p-Passw0rd", "wrong")
    with pytest.raises(aiosmtplib.SMTPAuthenticationError):
        await SmtpTransport(wrong, timeout=5, ca_file=certificate.cert_file).send(build(delivery(), sender=SENDER),
                                                                                 key="k")
    assert server.mailbox.received == []


@pytest.mark.parametrize("server", [("none", False)], indirect=True)
async def test_insisting_on_starttls_refuses_a_server_without_it(server: MailServer) -> None:
    insisting = server.url.replace("smtp://", "smtp+starttls://")
    with pytest.raises(aiosmtplib.SMTPException):
        await SmtpTransport(insisting, timeout=5).send(build(delivery(), sender=SENDER), key="k")
    assert server.mailbox.received == []


@pytest.mark.parametrize("server", [("none", False)], indirect=True)
async def test_busy_is_worth_a_retry_but_a_bad_mailbox_is_not(server: MailServer) -> None:
    transport = SmtpTransport(server.url, timeout=5)
    server.mailbox.refusing = True
    with pytest.raises(aiosmtplib.SMTPDataError) as busy:
        await transport.send(build(delivery(), sender=SENDER), key="k")
    assert busy.value.code == 451
    server.mailbox.refusing = False
    server.mailbox.unknown.add("gone@example.test")
    with pytest.raises(MailRefused, match="550"):
        await transport.send(build(delivery(to="gone@example.test"), sender=SENDER), key="k")


async def test_without_smtp_mail_lands_in_the_outbox_directory_once(tmp_path: Path) -> None:
    transport = DirectoryTransport(tmp_path / "mail")
    message = build(delivery(), sender=SENDER)
    await transport.send(message, key="6a0000000000000000000001")
    await transport.send(message, key="6a0000000000000000000001")  # sent again after a crash: replaced, not doubled
    [written] = list((tmp_path / "mail").iterdir())
    assert written.name == "6a0000000000000000000001.eml"
    parsed = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Ticket TKT-1 was assigned to you"
    assert parsed.get_body(preferencelist=("html",)).get_content() == "<p>Rich words</p>\n"  # type: ignore[union-attr]


async def test_names_subjects_and_bodies_outside_ascii_arrive_as_written(tmp_path: Path) -> None:
    transport = DirectoryTransport(tmp_path / "mail")
    sent = delivery(to="José Núñez <jose@example.test>", subject="Su ticket TKT-7 — contraseña cambiada",
                    text="Hola José,\nsu contraseña cambió.", html="<p>¡Hola José!</p>", language="es",
                    mandatory=True)
    await transport.send(build(sent, sender="Soporte Años <soporte@aurontek.test>"), key="k")
    parsed = message_from_bytes((tmp_path / "mail" / "k.eml").read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Su ticket TKT-7 — contraseña cambiada"
    assert parsed["To"].addresses[0].display_name == "José Núñez"
    assert parsed["To"].addresses[0].addr_spec == "jose@example.test"
    assert parsed["From"].addresses[0].display_name == "Soporte Años"
    assert parsed["Message-ID"] == "<6a0000000000000000000001@aurontek.test>"
    assert parsed["Content-Language"] == "es" and parsed["Auto-Submitted"] is None  # a mandatory mail
    assert parsed["X-Aurontek-Notice"] == "ticket_assigned"
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed.get_body(preferencelist=("plain",)).get_content() == "Hola José,\nsu contraseña cambió.\n"  # type: ignore[union-attr]
    assert parsed.get_body(preferencelist=("html",)).get_content() == "<p>¡Hola José!</p>\n"  # type: ignore[union-attr]


def test_a_long_subject_outside_ascii_is_folded_and_a_line_break_in_a_header_refused() -> None:
    subject = "Nuevo comentario en su ticket TKT-12345 — «La impresora de la tercera planta no imprime en color»"
    parsed = message_from_bytes(build(delivery(subject=subject), sender=SENDER).as_bytes(), policy=policy.default)
    assert parsed["Subject"] == subject
    for field, value in (("subject", "Hello\r\nBcc: someone@example.test"), ("to", "ana@example.test\nBcc: x@y.z"),
                         ("subject", "a\rb")):
        with pytest.raises(ValueError, match="line break"):
            build(delivery(**{field: value}), sender=SENDER)
