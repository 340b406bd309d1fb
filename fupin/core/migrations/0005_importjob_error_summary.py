import fupin.core.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_importjob_sealed_files_and_retention'),
    ]

    operations = [
        migrations.AddField(
            model_name='importjob',
            name='error_summary',
            field=fupin.core.fields.SealedJSONField(blank=True, default=list),
        ),
    ]
