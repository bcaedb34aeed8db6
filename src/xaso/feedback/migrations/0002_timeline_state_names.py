# The shared timeline (xaso.core.workflow.TimelineEvent) names a transition's ends
# from_state / to_state in every domain; the columns are renamed, nothing is lost.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [
        migrations.RenameField("reportevent", "from_status", "from_state"),
        migrations.RenameField("reportevent", "to_status", "to_state"),
    ]
