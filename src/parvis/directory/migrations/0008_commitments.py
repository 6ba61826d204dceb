"""The Services Publics+ commitments (loaded with the taxonomy by ``load_reference``) and
each organisation's self-assessment against them, with its evidence links."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0007_site_organisation_required'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Commitment',
            fields=[
                ('number', models.PositiveSmallIntegerField(primary_key=True, serialize=False, validators=[django.core.validators.MaxValueValidator(8)], verbose_name='numéro')),
                ('text', models.TextField(verbose_name='texte')),
            ],
            options={
                'verbose_name': 'engagement Services Publics+',
                'verbose_name_plural': 'engagements Services Publics+',
                'ordering': ['number'],
            },
        ),
        migrations.CreateModel(
            name='CommitmentAssessment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.CharField(choices=[('non-engage', 'Non engagé'), ('en-cours', 'En cours'), ('atteint', 'Atteint')], max_length=20, verbose_name='niveau')),
                ('text', models.TextField(blank=True, verbose_name='ce que fait l’organisme')),
                ('updated_at', models.DateTimeField(verbose_name='mis à jour le')),
                ('commitment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assessments', to='directory.commitment', verbose_name='engagement')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='commitment_assessments', to='directory.organisation', verbose_name='organisme')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='mis à jour par')),
            ],
            options={
                'verbose_name': 'autoévaluation d’un engagement',
                'verbose_name_plural': 'autoévaluations des engagements',
                'ordering': ['organisation', 'commitment'],
            },
        ),
        migrations.CreateModel(
            name='CommitmentEvidence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.CharField(max_length=200, verbose_name='intitulé')),
                ('url', models.CharField(max_length=500, validators=[django.core.validators.URLValidator(schemes=['http', 'https'])], verbose_name='adresse')),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence', to='directory.commitmentassessment', verbose_name='autoévaluation')),
            ],
            options={
                'verbose_name': 'lien justificatif',
                'verbose_name_plural': 'liens justificatifs',
                'ordering': ['assessment', 'position', 'pk'],
            },
        ),
        migrations.AddConstraint(
            model_name='commitmentassessment',
            constraint=models.UniqueConstraint(fields=('organisation', 'commitment'), name='unique_assessment_per_commitment'),
        ),
    ]
