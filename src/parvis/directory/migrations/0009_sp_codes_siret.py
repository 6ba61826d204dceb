"""Services Publics+ codes and SIREN / SIRET on organisations, local services and sites,
where known: the open data of quality results use them, parvis's own codes otherwise."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0008_commitments'),
    ]

    operations = [
        migrations.AddField(
            model_name='localservice',
            name='siret',
            field=models.CharField(blank=True, max_length=14, validators=[django.core.validators.RegexValidator('^[0-9]{14}$', 'Un SIRET compte 14 chiffres.')], verbose_name='SIRET'),
        ),
        migrations.AddField(
            model_name='localservice',
            name='sp_code',
            field=models.CharField(blank=True, max_length=40, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9][A-Za-z0-9_.-]*$', 'Lettres sans accent, chiffres, points, tirets et soulignés seulement.')], verbose_name='code Services Publics+'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='siren',
            field=models.CharField(blank=True, max_length=9, validators=[django.core.validators.RegexValidator('^[0-9]{9}$', 'Un SIREN compte 9 chiffres.')], verbose_name='SIREN'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='sp_code',
            field=models.CharField(blank=True, max_length=40, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9][A-Za-z0-9_.-]*$', 'Lettres sans accent, chiffres, points, tirets et soulignés seulement.')], verbose_name='code Services Publics+'),
        ),
        migrations.AddField(
            model_name='site',
            name='siret',
            field=models.CharField(blank=True, max_length=14, validators=[django.core.validators.RegexValidator('^[0-9]{14}$', 'Un SIRET compte 14 chiffres.')], verbose_name='SIRET'),
        ),
        migrations.AddField(
            model_name='site',
            name='sp_code',
            field=models.CharField(blank=True, max_length=40, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9][A-Za-z0-9_.-]*$', 'Lettres sans accent, chiffres, points, tirets et soulignés seulement.')], verbose_name='code Services Publics+'),
        ),
    ]
