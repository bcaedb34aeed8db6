"""A small certificate authority for demos and tests: root → intermediate → signers.

Nothing here is trusted in production. The demo seeder uses it so that a fresh
installation can sign out of the box, and the test suite uses it to build
valid, expired, revoked and self-signed certificates and CRLs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

#: The passphrase of every demo PKCS#12 file (documented in docs/signatures.md).
DEMO_PASSPHRASE = "xaso-demo-2026"  # noqa: S105 - demo only, documented


def fold_slug(name: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text).split()) or "ca"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _name(common_name: str, organisation: str = "", title: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if title:
        parts.append(x509.NameAttribute(NameOID.TITLE, title))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


def new_key(kind: str = "rsa"):
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Issued:
    """A certificate with its private key (None when the key lives on a token)."""

    cert: x509.Certificate
    key: object = None
    chain: list[x509.Certificate] = field(default_factory=list)

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    def pkcs12(self, passphrase: str = DEMO_PASSPHRASE, name: str = "xaso") -> bytes:
        return pkcs12.serialize_key_and_certificates(
            name.encode(),
            self.key,
            self.cert,
            self.chain or None,
            serialization.BestAvailableEncryption(passphrase.encode()),
        )


class TestCA:
    """Root → intermediate; the intermediate issues signer, TSA certificates and CRLs."""

    __test__ = False  # not a pytest class

    def __init__(
        self, name: str = "Xã Số Demo", *, key_kind: str = "rsa", now: dt.datetime | None = None
    ) -> None:
        self.key_kind = key_kind
        self.crl_url = "http://ca.xaso.invalid/" + fold_slug(name) + ".crl"
        #: The moment certificates are issued at (the demo's reference moment; else now).
        self.now = now.astimezone(dt.UTC).replace(microsecond=0) if now else None
        now = self.now or _now()
        root_key = new_key(key_kind)
        root_name = _name(f"{name} Root CA", name)
        root = (
            x509.CertificateBuilder()
            .subject_name(root_name)
            .issuer_name(root_name)
            .public_key(root_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
            .add_extension(_ca_usage(), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False
            )
            .sign(root_key, hashes.SHA256())
        )
        self.root = Issued(root, root_key)
        inter_key = new_key(key_kind)
        inter = (
            x509.CertificateBuilder()
            .subject_name(_name(f"{name} Signing CA", name))
            .issuer_name(root.subject)
            .public_key(inter_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1825))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_ca_usage(), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(inter_key.public_key()), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                critical=False,
            )
            .sign(root_key, hashes.SHA256())
        )
        self.intermediate = Issued(inter, inter_key, [root])

    def issue(
        self,
        common_name: str,
        *,
        organisation: str = "",
        title: str = "",
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        public_key=None,
        tsa: bool = False,
    ) -> Issued:
        """A leaf certificate signed by the intermediate (a new key unless given one)."""
        now = self.now or _now()
        key = None
        if public_key is None:
            key = new_key(self.key_kind)
            public_key = key.public_key()
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, organisation, title))
            .issuer_name(self.intermediate.cert.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or now - dt.timedelta(days=1))
            .not_valid_after(not_after or now + dt.timedelta(days=730))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.intermediate.key.public_key()
                ),
                critical=False,
            )
        )
        # Declaring where the CRL is published makes verifiers check it (when they hold it).
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(self.crl_url)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
        if tsa:
            builder = builder.add_extension(
                _usage(digital_signature=True), critical=True
            ).add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
        else:
            builder = builder.add_extension(
                _usage(digital_signature=True, content_commitment=True), critical=True
            )
        cert = builder.sign(self.intermediate.key, hashes.SHA256())
        return Issued(cert, key, [self.intermediate.cert, self.root.cert])

    def crl(self, revoked: list[x509.Certificate] = (), *, next_update_days: int = 7) -> bytes:
        """A CRL of the intermediate, DER-encoded."""
        now = self.now or _now()
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.intermediate.cert.subject)
            .last_update(now - dt.timedelta(minutes=1))
            .next_update(now + dt.timedelta(days=next_update_days))
            .add_extension(x509.CRLNumber(1), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.intermediate.key.public_key()
                ),
                critical=False,
            )
        )
        for cert in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(cert.serial_number)
                .revocation_date(now - dt.timedelta(minutes=1))
                .build()
            )
        return builder.sign(self.intermediate.key, hashes.SHA256()).public_bytes(
            serialization.Encoding.DER
        )


def self_signed(common_name: str, organisation: str = "") -> Issued:
    """A certificate that chains to nothing anyone trusts."""
    key = new_key("ec")
    name = _name(common_name, organisation)
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(_usage(digital_signature=True, content_commitment=True), critical=True)
        .sign(key, hashes.SHA256())
    )
    return Issued(cert, key, [])


def _usage(*, digital_signature=False, content_commitment=False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=content_commitment,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def _ca_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def sample_pdf(pages: int = 1, text: str = "Van ban thu nghiem") -> bytes:
    """A plain A4 PDF with uncompressed page content, for demos, tests and benchmarks."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PdfFileWriter

    writer = PdfFileWriter()
    font = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
            }
        )
    )
    for i in range(pages):
        lines = [f"BT /F1 14 Tf 72 770 Td ({text} - trang {i + 1}) Tj ET"]
        lines += [
            f"BT /F1 10 Tf 72 {740 - 14 * n} Td (Dong {n + 1}: noi dung van ban hanh chinh.) Tj ET"
            for n in range(40)
        ]
        stream = writer.add_object(generic.StreamObject(stream_data="\n".join(lines).encode()))
        writer.insert_page(
            generic.DictionaryObject(
                {
                    generic.pdf_name("/Type"): generic.pdf_name("/Page"),
                    generic.pdf_name("/MediaBox"): generic.ArrayObject(
                        [generic.NumberObject(v) for v in (0, 0, 595, 842)]
                    ),
                    generic.pdf_name("/Resources"): generic.DictionaryObject(
                        {
                            generic.pdf_name("/Font"): generic.DictionaryObject(
                                {generic.pdf_name("/F1"): font}
                            )
                        }
                    ),
                    generic.pdf_name("/Contents"): stream,
                }
            )
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
