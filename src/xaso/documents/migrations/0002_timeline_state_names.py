# The shared timeline (xaso.core.workflow.TimelineEvent) names a transition's ends
# from_state / to_state in every domain; the columns are renamed, nothing is lost.
# Documents gain the shared "public" flag (off: their timeline is never public).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        migrations.RenameField("documentevent", "from_status", "from_state"),
        migrations.RenameField("documentevent", "to_status", "to_state"),
        migrations.AddField("documentevent", "public", models.BooleanField(default=False)),
    ]
