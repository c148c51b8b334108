"""Two more looks, the kalpak of a biy and the archer (mergen), with their names and cultural
notes in kk, ru and en; the look key's choices grow to the six drawings."""

from django.db import migrations, models

LOOKS = [
    {
        "key": "kalpak",
        "slug": "kalpak",
        "kind": "batyr",
        "heritage_section": "history",
        "name": {
            "kk": "Қалпақты би",
            "ru": "Бий в калпаке",
            "en": "Biy in a kalpak",
        },
        "description": {
            "kk": "Қалпақ — көбіне ақ киізден тігілетін, төбесі биік, етегі жоғары қайырылған "
            "қазақтың бас киімі. Ақ киіз құрмет белгісі саналған: жаңа сайланған ханды ақ киізге "
            "отырғызып, жоғары көтерген. Дауды әдет-ғұрып бойынша әділ шешкен дана билерді де "
            "ел ерекше құрметтеген.",
            "ru": "Калпак — высокая казахская войлочная шапка с отвёрнутыми вверх полями, чаще "
            "всего из белого войлока. Белый войлок был знаком почёта: новоизбранного хана "
            "поднимали на белой кошме. Не меньшим уважением пользовались бии — мудрые судьи, "
            "решавшие споры по обычному праву.",
            "en": "The kalpak is a tall Kazakh felt hat with an upturned brim, most often made "
            "of white felt. White felt stood for honour: a newly chosen khan was lifted up on a "
            "white felt mat. Great respect also went to the biys, wise judges who settled "
            "disputes by customary law.",
        },
    },
    {
        "key": "archer",
        "slug": "archer",
        "kind": "batyr",
        "heritage_section": "customs",
        "name": {
            "kk": "Садақты мерген",
            "ru": "Мерген с луком",
            "en": "Mergen, the archer",
        },
        "description": {
            "kk": "Мерген — көздегенін мүлт жібермейтін атқыш. Дала садағы ағаштан, мүйізден "
            "және сіңірден құрастырылған: ол қысқа әрі қуатты болды, сондықтан оны ат үстінде "
            "тартуға ыңғайлы еді. Садақ ату өнері ұмытылған жоқ: ат үстінен садақ атудан "
            "бүгінде жарыстар өтеді.",
            "ru": "Мерген — меткий стрелок, не знающий промаха. Степной составной лук делали "
            "из дерева, рога и сухожилий: короткий, но мощный, он годился и для стрельбы с "
            "седла. Стрельба из лука, садақ ату, жива и сегодня, а по стрельбе из лука "
            "верхом проводят состязания.",
            "en": "A mergen is a marksman who never misses. The steppe composite bow was made "
            "of wood, horn and sinew: short yet powerful, it could be drawn from the saddle. "
            "Archery, sadak atu, is still practised today, and there are competitions in "
            "mounted archery.",
        },
    },
]

FIRST_ORDER = 4  # after the four looks of 0002


def create_looks(apps, schema_editor):
    Look = apps.get_model("batyr", "Look")
    for order, data in enumerate(LOOKS, start=FIRST_ORDER):
        values = {
            "key": data["key"],
            "kind": data["kind"],
            "heritage_section": data["heritage_section"],
            "preview": f"batyr/looks/{data['key']}",
            "order": order,
            "is_active": True,
            "name": data["name"]["kk"],
            "description": data["description"]["kk"],
        }
        for lang in ("kk", "ru", "en"):
            values[f"name_{lang}"] = data["name"][lang]
            values[f"description_{lang}"] = data["description"][lang]
        Look.objects.update_or_create(slug=data["slug"], defaults=values)


def remove_looks(apps, schema_editor):
    apps.get_model("batyr", "Look").objects.filter(slug__in=[d["slug"] for d in LOOKS]).delete()


class Migration(migrations.Migration):
    dependencies = [("batyr", "0003_photo_size")]

    operations = [
        migrations.AlterField(
            model_name="look",
            name="key",
            field=models.CharField(
                choices=[
                    ("dulyga", "dulyga"),
                    ("borik", "borik"),
                    ("uki-helmet", "uki-helmet"),
                    ("saukele", "saukele"),
                    ("kalpak", "kalpak"),
                    ("archer", "archer"),
                ],
                help_text="Which of the costumes drawn by the pipeline this look wears.",
                max_length=30,
                unique=True,
                verbose_name="drawing",
            ),
        ),
        migrations.RunPython(create_looks, remove_looks),
    ]
