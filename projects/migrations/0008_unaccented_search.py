"""Search ignoring accents: the stored vectors read the texts through ``portal_unaccent``.

PostgreSQL cannot change the expression of a generated column: each language's vector and its
GIN index are dropped and added again, and PostgreSQL computes the new vectors of every row.
"""

import cooperation.search
import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0006_portal_unaccent"),
        ("projects", "0007_merge_catalogue_index_and_timeline_keys"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="jointproject", name="project_search_es"),
        migrations.RemoveIndex(model_name="jointproject", name="project_search_ca"),
        migrations.RemoveIndex(model_name="jointproject", name="project_search_en"),
        migrations.RemoveField(model_name="jointproject", name="search_es"),
        migrations.RemoveField(model_name="jointproject", name="search_ca"),
        migrations.RemoveField(model_name="jointproject", name="search_en"),
        migrations.AddField(
            model_name="jointproject",
            name="search_es",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.SearchVector(
                    cooperation.search.Unaccent(models.F("title_es")),
                    cooperation.search.Unaccent(models.F("summary_es")),
                    cooperation.search.Unaccent(models.F("impact_es")),
                    config="spanish",
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddField(
            model_name="jointproject",
            name="search_ca",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.SearchVector(
                    cooperation.search.Unaccent(models.F("title_ca")),
                    cooperation.search.Unaccent(models.F("summary_ca")),
                    cooperation.search.Unaccent(models.F("impact_ca")),
                    config="simple",
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddField(
            model_name="jointproject",
            name="search_en",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.SearchVector(
                    cooperation.search.Unaccent(models.F("title_en")),
                    cooperation.search.Unaccent(models.F("summary_en")),
                    cooperation.search.Unaccent(models.F("impact_en")),
                    config="english",
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="jointproject",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_es"], name="project_search_es"
            ),
        ),
        migrations.AddIndex(
            model_name="jointproject",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_ca"], name="project_search_ca"
            ),
        ),
        migrations.AddIndex(
            model_name="jointproject",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_en"], name="project_search_en"
            ),
        ),
    ]
