"""The visitor's choice of how their face is shown: painted like the costume or as in the photo.
Portraits made before the choice existed were "photo"; new ones default to "painted"."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("batyr", "0004_more_looks")]

    operations = [
        migrations.AddField(
            model_name="portrait",
            name="finish",
            field=models.CharField(
                choices=[("painted", "painted"), ("photo", "as in the photo")],
                default="photo",
                max_length=8,
                verbose_name="face",
            ),
        ),
        migrations.AlterField(
            model_name="portrait",
            name="finish",
            field=models.CharField(
                choices=[("painted", "painted"), ("photo", "as in the photo")],
                default="painted",
                max_length=8,
                verbose_name="face",
            ),
        ),
    ]
