from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xaso.core.problems import Problem, in_both
from xaso.signatures import services
from xaso.signatures.models import RevocationList, SigningCredential, TrustAnchor


def _as_validation_error(exc: Problem) -> ValidationError:
    return ValidationError(in_both(exc.message, exc.params)[0])


class TrustAnchorForm(forms.ModelForm):
    class Meta:
        model = TrustAnchor
        fields = ["name", "certificate_pem", "active"]

    def clean_certificate_pem(self):
        pem = self.cleaned_data["certificate_pem"]
        try:
            self._cert = services.parse_pem_certificate(pem)
        except Problem as exc:
            raise _as_validation_error(exc) from None
        return pem.strip()


@admin.register(TrustAnchor)
class TrustAnchorAdmin(admin.ModelAdmin):
    form = TrustAnchorForm
    list_display = ["name", "subject", "not_after", "active"]
    list_filter = ["active"]
    readonly_fields = ["subject", "not_after", "created_at"]

    def save_model(self, request, obj, form, change):
        from cryptography.hazmat.primitives import serialization

        from xaso.audit.services import record

        cert = form._cert
        obj.certificate_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
        obj.subject = cert.subject.rfc4514_string()[:255]
        obj.not_after = cert.not_valid_after_utc
        super().save_model(request, obj, form, change)
        record(request.user, "signatures.trust_anchor_saved", obj)


class RevocationListForm(forms.ModelForm):
    upload = forms.FileField(label=_("Tệp CRL (.crl, PEM hoặc DER)"), required=True)

    class Meta:
        model = RevocationList
        fields = ["active"]

    def clean_upload(self):
        data = self.cleaned_data["upload"].read()
        try:
            self._crl = services.parse_crl(data)
        except Problem as exc:
            raise _as_validation_error(exc) from None
        return data


@admin.register(RevocationList)
class RevocationListAdmin(admin.ModelAdmin):
    form = RevocationListForm
    list_display = ["issuer", "this_update", "next_update", "revoked_count", "active"]
    list_filter = ["active"]
    readonly_fields = ["issuer", "this_update", "next_update", "revoked_count", "created_at"]

    def save_model(self, request, obj, form, change):
        from cryptography.hazmat.primitives import serialization
        from cryptography.x509.oid import NameOID

        from xaso.audit.services import record

        crl = form._crl
        obj.crl_der = crl.public_bytes(serialization.Encoding.DER)
        names = crl.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)
        obj.issuer = (str(names[0].value) if names else crl.issuer.rfc4514_string())[:255]
        obj.this_update = crl.last_update_utc
        obj.next_update = crl.next_update_utc
        obj.revoked_count = len(list(crl))
        super().save_model(request, obj, form, change)
        record(request.user, "signatures.crl_saved", obj)


@admin.register(SigningCredential)
class SigningCredentialAdmin(admin.ModelAdmin):
    """Credentials are added in the back office (the passphrase is checked there, then
    forgotten); here an administrator can only see them and switch them off."""

    list_display = ["label", "kind", "commune", "owner", "not_after", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["label", "subject_name", "serial"]
    fields = [
        "commune",
        "kind",
        "owner",
        "label",
        "subject_name",
        "organisation",
        "serial",
        "issuer",
        "not_before",
        "not_after",
        "pkcs11_module",
        "token_label",
        "key_label",
        "cert_label",
        "active",
    ]
    readonly_fields = [f for f in fields if f not in ("label", "active")]

    def has_add_permission(self, request):
        return False
