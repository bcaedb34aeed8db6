"""Signing with a key that never leaves a PKCS#11 token (SoftHSM2 stands in for an HSM)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from xaso.core.problems import Problem
from xaso.signatures import services
from xaso.signatures.services import Appearance, sign_pdf, verify_pdf

SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN = "xaso-test"
PIN = "24682468"

pytestmark = pytest.mark.skipif(
    not (os.path.exists(SOFTHSM) and shutil.which("softhsm2-util")),
    reason="SoftHSM2 is not installed (apt install softhsm2)",
)


@pytest.fixture(scope="module")
def token(tmp_path_factory, ca):
    """A SoftHSM token holding an RSA key generated on it, certified by the suite's CA."""
    import pkcs11
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from pkcs11 import Attribute, KeyType
    from pkcs11.util.x509 import decode_x509_certificate

    root = tmp_path_factory.mktemp("softhsm")
    (root / "tokens").mkdir()
    conf = root / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            TOKEN,
            "--pin",
            PIN,
            "--so-pin",
            "13571357",
        ],
        check=True,
        capture_output=True,
    )
    lib = pkcs11.lib(SOFTHSM)
    with lib.get_token(token_label=TOKEN).open(rw=True, user_pin=PIN) as session:
        public, _private = session.generate_keypair(KeyType.RSA, 2048, store=True, label="chutich")
        numbers = rsa.RSAPublicNumbers(
            int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
            int.from_bytes(public[Attribute.MODULUS], "big"),
        )
        issued = ca.issue(
            "Lê Văn Hùng", organisation="UBND xã Hà Trung", public_key=numbers.public_key()
        )
        attrs = decode_x509_certificate(issued.cert.public_bytes(serialization.Encoding.DER))
        attrs[Attribute.TOKEN] = True
        attrs[Attribute.LABEL] = "chutich"
        session.create_object(attrs)
        # Tokens carry the issuing CA's certificate too; the signature embeds it.
        ca_attrs = decode_x509_certificate(
            ca.intermediate.cert.public_bytes(serialization.Encoding.DER)
        )
        ca_attrs[Attribute.TOKEN] = True
        ca_attrs[Attribute.LABEL] = "ca"
        session.create_object(ca_attrs)
    return issued


@pytest.fixture
def token_credential(token, leader, commune_a, settings):
    settings.XASO_PKCS11_MODULES = [SOFTHSM]
    return services.add_token_credential(
        leader,
        commune_a,
        kind="personal",
        module=SOFTHSM,
        token_label=TOKEN,
        key_label="chutich",
        pin=PIN,
    )


def test_a_token_key_signs_and_the_signature_verifies(
    pdf, token_credential, leader, trust, settings
):
    assert token_credential.uses_token
    assert token_credential.subject_name == "Lê Văn Hùng"
    assert not token_credential.pkcs12
    signed = sign_pdf(
        pdf,
        credential=token_credential,
        secret=PIN,
        actor=leader,
        appearance=Appearance("Lê Văn Hùng"),
    )
    [report] = verify_pdf(signed)
    assert report.verdict == "valid"
    assert report.signer == "Lê Văn Hùng"


def test_a_wrong_pin_is_a_clear_error(pdf, token_credential, leader):
    with pytest.raises(Problem) as exc:
        sign_pdf(pdf, credential=token_credential, secret="00000000", actor=leader)
    assert exc.value.code == "wrong-pin"


def test_only_listed_libraries_are_loaded(token, leader, commune_a, settings):
    settings.XASO_PKCS11_MODULES = []
    with pytest.raises(Problem) as exc:
        services.add_token_credential(
            leader,
            commune_a,
            kind="personal",
            module=SOFTHSM,
            token_label=TOKEN,
            key_label="chutich",
            pin=PIN,
        )
    assert "không được phép" in str(exc.value.message)
