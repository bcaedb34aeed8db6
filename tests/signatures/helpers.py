"""Helpers that sign outside the service (to build files the service would refuse)."""

from __future__ import annotations

import io

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from xaso.signatures.testca import Issued


def raw_sign(pdf: bytes, issued: Issued, *, field: str = "Raw", timestamper=None) -> bytes:
    """Sign with pyHanko directly, whatever the certificate's state."""
    from xaso.signatures.testca import DEMO_PASSPHRASE

    signer = signers.SimpleSigner.load_pkcs12_data(
        issued.pkcs12(DEMO_PASSPHRASE), other_certs=[], passphrase=DEMO_PASSPHRASE.encode()
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=field, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    return (
        signers.PdfSigner(meta, signer=signer, timestamper=timestamper).sign_pdf(writer).getvalue()
    )


def append_page_text(pdf: bytes, text: bytes = b"SUA SAU KHI KY") -> bytes:
    """An incremental update that changes what the first page shows."""
    from pyhanko.pdf_utils import generic

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    stream = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 30 Tf 100 400 Td (" + text + b") Tj ET")
    )
    writer.add_stream_to_page(0, stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def dummy_timestamper(ca):
    """A timestamp authority of the suite's CA."""
    from asn1crypto import keys, x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    tsa = ca.issue("Xã Số Test TSA", organisation="Xã Số Test", tsa=True)
    key = keys.PrivateKeyInfo.load(
        tsa.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    chain = [x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in tsa.chain]
    return DummyTimeStamper(
        tsa_cert=x509.Certificate.load(tsa.der), tsa_key=key, certs_to_embed=chain
    )
