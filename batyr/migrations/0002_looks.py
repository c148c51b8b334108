"""The four looks the pipeline draws, with their names and cultural notes in kk, ru and en."""

from django.db import migrations

LOOKS = [
    {
        "key": "dulyga",
        "slug": "dulyga",
        "kind": "batyr",
        "heritage_section": "history",
        "name": {
            "kk": "Дулығалы батыр",
            "ru": "Батыр в дулыге",
            "en": "Batyr in a dulyga",
        },
        "description": {
            "kk": "Дулыға — батырдың темірден соғылған бас киімі. Биік әрі үшкір төбесі "
            "соққыны тайдырып жіберетін, ал жиегінен салбыраған темір тор мойын мен иықты "
            "қорғаған. Онымен бірге батыр сауыт — шығыршықтардан тоқылған темір көйлек киген.",
            "ru": "Дулыга — кованый железный шлем батыра. Высокий заострённый верх отводил "
            "удары, а свисавшая с края кольчужная сетка защищала шею и плечи. Вместе с ним "
            "батыр надевал сауыт — рубаху, сплетённую из железных колец.",
            "en": "The dulyga is the batyr’s forged iron helmet. Its tall pointed top made "
            "blows glance off, and a curtain of chain mail hanging from the rim guarded the "
            "neck and shoulders. With it a batyr wore a sauyt, a shirt woven of iron rings.",
        },
    },
    {
        "key": "borik",
        "slug": "borik",
        "kind": "batyr",
        "heritage_section": "customs",
        "name": {
            "kk": "Бөрік пен шапан",
            "ru": "Бөрік и шапан",
            "en": "Borik and chapan",
        },
        "description": {
            "kk": "Бөрік — барқыт не мата төбесін түлкі не сусар терісімен жиектеген жылы бас "
            "киім. Шапан — ұзын, сырылған сырт киім; қонақтың иығына шапан жабу — күні бүгінге "
            "дейін сақталған құрмет белгісі. Мұнда батыр шапанның сыртынан темір "
            "тақташалардан құралған сауыт киген.",
            "ru": "Бөрік — тёплая шапка с широкой опушкой из меха лисы или куницы вокруг "
            "бархатного или суконного верха. Шапан — длинный стёганый халат; накинуть шапан на "
            "плечи гостя у казахов и сегодня значит оказать ему почёт. Здесь поверх шапана "
            "батыр надел доспех из железных пластин.",
            "en": "The borik is a warm hat with a thick band of fox or marten fur around a "
            "crown of velvet or cloth. The chapan is the long quilted robe of the steppe; "
            "putting a chapan on a guest’s shoulders is still a Kazakh way of honouring them. "
            "Here the batyr wears armour of iron plates over it.",
        },
    },
    {
        "key": "uki-helmet",
        "slug": "uki-helmet",
        "kind": "amazon",
        "heritage_section": "customs",
        "name": {
            "kk": "Үкілі дулыға",
            "ru": "Шлем с үкі",
            "en": "Helmet with owl feathers",
        },
        "description": {
            "kk": "Үкі — тіл-көзден сақтайтын тұмар: оны қыздың тақиясына, келіннің "
            "сәукелесіне, сәбидің бесігіне, домбыраға тағады. Мұнда ол дала батыр қызының "
            "дөңгелек дулығасын безендіріп тұр. Археологтар даладағы ежелгі қорғандардан "
            "қару-жарағымен жерленген әйелдерді тапқан.",
            "ru": "Үкі — пучок перьев филина, казахский оберег от сглаза: его прикрепляют к "
            "шапочке девушки, к саукеле невесты, к детской колыбели, к домбре. Здесь он венчает "
            "круглый шлем степной воительницы. В древних курганах степи археологи находят "
            "женщин, похороненных с оружием.",
            "en": "Uki, a tuft of eagle-owl feathers, is a Kazakh charm against the evil eye: "
            "it is fixed to a girl’s cap, a bride’s saukele, a baby’s cradle and a dombyra. "
            "Here it crowns the rounded helmet of a steppe amazon. In ancient burial mounds of "
            "the steppe, archaeologists have found women buried with their weapons.",
        },
    },
    {
        "key": "saukele",
        "slug": "saukele",
        "kind": "amazon",
        "heritage_section": "customs",
        "name": {
            "kk": "Сәукеле",
            "ru": "Саукеле",
            "en": "Saukele",
        },
        "description": {
            "kk": "Сәукеле — қазақ қалыңдығының бас киімі: биіктігі 70 сантиметрге жуық, "
            "киізден не барқыттан тігіліп, күміспен, маржанмен, меруертпен әшекейленген конус. "
            "Самайынан ұзын салпыншақтар түседі, төбесіне үкі тағылады, артынан желек "
            "жабылады. Бұл портретте оған сауыт қосылған: тарихи киім емес, ойын.",
            "ru": "Саукеле — головной убор казахской невесты: конус высотой около 70 "
            "сантиметров из войлока или бархата, украшенный серебром, кораллами и жемчугом. "
            "У висков спускаются длинные подвески, на вершине — перья филина, сзади — "
            "покрывало. В этом портрете к нему добавлены доспехи: это игра, а не историческая "
            "одежда.",
            "en": "The saukele is the Kazakh bride’s headdress: a cone of felt or velvet up to "
            "about 70 centimetres tall, covered with silver, coral and pearls, with long "
            "pendants at the temples, owl feathers on top and a veil behind. This portrait "
            "adds armour: a playful mix, not a historical costume.",
        },
    },
]


def create_looks(apps, schema_editor):
    Look = apps.get_model("batyr", "Look")
    for order, data in enumerate(LOOKS):
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
    dependencies = [("batyr", "0001_initial")]

    operations = [migrations.RunPython(create_looks, remove_looks)]
