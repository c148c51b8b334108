"""The eight heritage sections of the home page, in the seed's order, so that a fresh database has
them. Texts are the project's own, in Kazakh, Russian and English. The demo fixture
(fixtures/make_heritage_fixture.py) reads SECTIONS from here to add the covers."""

from django.db import migrations

SECTIONS = [
    {
        "kind": "customs",
        "slug": "customs",
        "title": {
            "kk": "Салт-дәстүрлер",
            "ru": "Обычаи и традиции",
            "en": "Customs and traditions",
        },
        "card_text": {
            "kk": "Әр буын келесі буынға аманаттап келе жатқан қазақтың ырым-жоралғылары, "
            "мерекелері, халық кәсіптері мен отбасылық салттары.",
            "ru": "Обряды, праздники, народные ремёсла и семейные обычаи казахов, которые каждое "
            "поколение передаёт следующему.",
            "en": "Rituals, feasts, folk crafts and family customs of the Kazakhs that each "
            "generation hands on to the next.",
        },
        "intro": {
            "kk": "Қазақ салт-дәстүрлері көшпелі тұрмыстан туған: қонақты алдымен сыйлап, содан "
            "кейін ғана жөн сұрайды, баланың алғашқы қадамын бүкіл ағайын тойлайды, ал көктемді "
            "ортақ дастарқанмен қарсы алады. Мұнда отбасылар бүгінге дейін сақтап келе жатқан "
            "жоралғылар, мерекелер, ойындар мен кәсіптер жинақталған.",
            "ru": "Казахские обычаи выросли из кочевой жизни: гостя сначала угощают и лишь потом "
            "расспрашивают, первые шаги ребёнка отмечают всей роднёй, а весну встречают общим "
            "столом. Здесь собраны обряды, праздники, игры и ремёсла, которые семьи хранят и "
            "сегодня.",
            "en": "Kazakh customs grew out of life on the move: a guest is fed before being asked "
            "anything, a child's first steps are celebrated by the whole family, and spring is "
            "met around a shared table. Here are the rituals, feasts, games and crafts that "
            "families still keep.",
        },
    },
    {
        "kind": "about",
        "slug": "about-kazakhstan",
        "title": {"kk": "Қазақстан туралы", "ru": "О Казахстане", "en": "About Kazakhstan"},
        "card_text": {
            "kk": "Қазақстан қалай дамып, қайда бет алып келеді: жері, астанасы, тілдері, "
            "өңірлері мен мемлекеттік рәміздері.",
            "ru": "Как развивается Казахстан и куда он движется: земля, столица, языки, регионы "
            "и символы государства.",
            "en": "How Kazakhstan is growing and where it is heading: its land, capital, "
            "languages, regions and state symbols.",
        },
        "intro": {
            "kk": "Қазақстан — аумағы жөнінен әлемде тоғызыншы орындағы және әлемдік мұхитқа "
            "шығатын жолы жоқ елдердің ең ірісі. Мұнда оның жері, астанасы, тілдері, өңірлерге "
            "бөлінуі және мемлекеттік рәміздерінің мәні туралы оқисыз.",
            "ru": "Казахстан — девятая по площади страна мира и самая большая из стран, не "
            "имеющих выхода к Мировому океану. Здесь — о его земле, столице, языках, делении на "
            "регионы и о том, что означают государственные символы.",
            "en": "Kazakhstan is the ninth largest country in the world and the largest with no "
            "coast on the open ocean. Read about its land, its capital, its languages, how it is "
            "divided into regions and what its state symbols mean.",
        },
    },
    {
        "kind": "history",
        "slug": "history",
        "title": {"kk": "Тарих", "ru": "История", "en": "History"},
        "card_text": {
            "kk": "Сақтар мен түркі қағанаттарынан Қазақ хандығы мен Тәуелсіздікке дейінгі "
            "даланың ұзақ тарихы.",
            "ru": "Долгая история степи — от саков и тюркских каганатов до Казахского ханства и "
            "независимости.",
            "en": "The steppe's long story, from the Saka and the Turkic khaganates to the Kazakh "
            "Khanate and independence.",
        },
        "intro": {
            "kk": "Мыңдаған жылдар бойы Алтай мен Каспий арасындағы даланы малшылар, "
            "жауынгерлер мен керуендер басып өткен. Бұл бөлім бүгінгі Қазақстан жерінде із "
            "қалдырған халықтар мен мемлекеттер туралы баяндайды.",
            "ru": "Тысячелетиями степь между Алтаем и Каспием пересекали скотоводы, воины и "
            "караваны. Этот раздел рассказывает о народах и государствах, оставивших след на "
            "земле нынешнего Казахстана.",
            "en": "For thousands of years the steppe between the Altai and the Caspian was "
            "crossed by herders, warriors and caravans. This section follows the peoples and "
            "states that left their mark on the land of today's Kazakhstan.",
        },
    },
    {
        "kind": "unesco",
        "slug": "unesco",
        "title": {"kk": "ЮНЕСКО мұрасы", "ru": "Наследие ЮНЕСКО", "en": "UNESCO heritage"},
        "card_text": {
            "kk": "ЮНЕСКО-ның Дүниежүзілік мұра тізіміндегі Қазақстанның мәдени және табиғи "
            "нысандары: Қожа Ахмет Ясауи кесенесі, Тамғалы петроглифтері, Сарыарқаның даласы мен "
            "көлдері, Жібек жолының Чанъань — Тянь-Шань дәлізі, Батыс Тянь-Шань және Тұранның "
            "қысы суық шөлдері.",
            "ru": "Культурные и природные объекты Казахстана в Списке всемирного наследия "
            "ЮНЕСКО: мавзолей Ходжи Ахмеда Ясави, петроглифы Тамгалы, степи и озёра Сарыарки, "
            "Шёлковый путь в коридоре Чанъань — Тянь-Шань, Западный Тянь-Шань и холодные зимние "
            "пустыни Турана.",
            "en": "Kazakhstan's cultural and natural sites on the UNESCO World Heritage List: the "
            "Mausoleum of Khoja Ahmed Yasawi, the Tamgaly petroglyphs, the steppes and lakes of "
            "Saryarka, the Silk Roads' Chang'an–Tianshan corridor, the Western Tien-Shan and the "
            "cold winter deserts of Turan.",
        },
        "intro": {
            "kk": "Дүниежүзілік мұра тізіміне Қазақстанның үш мәдени және үш табиғи нысаны "
            "енген: алғашқысы 2003 жылы, соңғысы 2023 жылы. Олардың үшеуі көрші елдермен ортақ.",
            "ru": "В Список всемирного наследия внесены три культурных и три природных объекта "
            "Казахстана: первый — в 2003 году, последний — в 2023-м. Три из них страна делит с "
            "соседями.",
            "en": "Three cultural and three natural properties of Kazakhstan are on the World "
            "Heritage List: the first was inscribed in 2003 and the latest in 2023. Three of "
            "them are shared with neighbouring countries.",
        },
    },
    {
        "kind": "museums",
        "slug": "museums-and-reserves",
        "title": {
            "kk": "Мұражайлар мен қорықтар",
            "ru": "Музеи и заповедники",
            "en": "Museums and reserves",
        },
        "card_text": {
            "kk": "Ел қазынасы сақталған орындар: өнер мен көне олжалар қойылған мұражайлар "
            "және дала, тау мен аң-құс өз заңымен өмір сүретін қорықтар.",
            "ru": "Где страна хранит свои сокровища: музеи с искусством и находками прошлого и "
            "заповедники, где степь, горы и звери живут по своим законам.",
            "en": "Where the country keeps its treasures: museums of art and finds from the "
            "past, and reserves where steppe, mountains and wildlife live by their own rules.",
        },
        "intro": {
            "kk": "Астана мен Алматыдағы ұлттық жинақтардан бастап қоқиқаз ұя салатын, жабайы "
            "қызғалдақ өсетін қорықтарға дейін — елдің жады мен табиғатын сақтайтын орындар.",
            "ru": "От национальных собраний Астаны и Алматы до заповедников, где гнездятся "
            "фламинго и растут дикие тюльпаны, — места, которые хранят память страны и её "
            "природу.",
            "en": "From the national collections of Astana and Almaty to reserves where flamingos "
            "nest and tulips grow wild: places that keep the country's memory and its nature.",
        },
    },
    {
        "kind": "golden-fund",
        "slug": "golden-fund",
        "title": {"kk": "Алтын қор", "ru": "Золотой фонд", "en": "Golden fund"},
        "card_text": {
            "kk": "Бүкіл әлемге танылған қазақ таланттарымен танысыңыз.",
            "ru": "Познакомьтесь с казахстанскими талантами, получившими мировую известность.",
            "en": "Meet the talents of Kazakhstan whose names are known all over the world.",
        },
        "intro": {
            "kk": "Ақындар мен композиторлар, ғалымдар мен чемпиондар — еңбегі ел шегінен алыс "
            "танылған адамдар: өмір жылдары мен басты туындылары.",
            "ru": "Поэты и композиторы, учёные и чемпионы — люди, чьи труды известны далеко за "
            "пределами страны: годы жизни и главные работы.",
            "en": "Poets and composers, scholars and champions: people whose work is known far "
            "beyond the country, with their years of life and their main works.",
        },
    },
    {
        "kind": "cinema",
        "slug": "cinema",
        "title": {"kk": "Кино", "ru": "Кино", "en": "Cinema"},
        "card_text": {
            "kk": "Қазақ киносының үздіктері: жаңаша көрілген классика және күтуге тұрарлық "
            "премьералар.",
            "ru": "Лучшее из казахского кино: классика в новом прочтении и премьеры, которых "
            "стоило ждать.",
            "en": "The best of Kazakh film: classics seen anew and premieres worth the wait.",
        },
        "intro": {
            "kk": "Қазақ көркем киносы 1930 жылдары дүниеге келіп, әлемге дала эпостарын, "
            "өткір қалалық драмаларды және фестиваль жүлделерін сыйлады. Мұндағы әр фильмнің "
            "жылы, режиссері және оның маңызы туралы бірер сөз бар.",
            "ru": "Казахское игровое кино родилось в 1930-х и подарило миру степные эпосы, "
            "острые городские драмы и фестивальные награды. У каждого фильма здесь — год, "
            "режиссёр и несколько слов о том, чем он важен.",
            "en": "Kazakh feature film began in the 1930s and has given the world steppe epics, "
            "sharp city dramas and festival prizes. Each film here has its year, its director "
            "and a few words on why it matters.",
        },
    },
    {
        "kind": "archives",
        "slug": "archives",
        "title": {"kk": "Мұрағаттар", "ru": "Архивы", "en": "Archives"},
        "card_text": {
            "kk": "Қазақстан тарихын баяндайтын құжаттар мен мұрағат қағаздары — "
            "сипаттамасымен және жүктеп алуға дайын файлдарымен.",
            "ru": "Документы и архивные бумаги, которые рассказывают историю Казахстана, — с "
            "описаниями и файлами для скачивания.",
            "en": "Documents and archive papers that tell Kazakhstan's story, described and "
            "ready to download.",
        },
        "intro": {
            "kk": "Қазақстан тарихына қатысты құжаттар мен материалдар, үш тілде сипатталған. "
            "Әр жазбаға файлдар тіркелген: жүктеп алмас бұрын олардың көлемі мен түрі "
            "көрсетіледі.",
            "ru": "Документы и материалы по истории Казахстана с описаниями на трёх языках. К "
            "каждой записи приложены файлы; их размер и формат видны до скачивания.",
            "en": "Documents and materials on the history of Kazakhstan, described in three "
            "languages. Each entry comes with files; the size and type of every file are shown "
            "before you download it.",
        },
    },
]


def create_sections(apps, schema_editor):
    Section = apps.get_model("heritage", "Section")
    for order, data in enumerate(SECTIONS, start=1):
        values = {"slug": data["slug"], "order": order}
        for field in ("title", "card_text", "intro"):
            values[field] = data[field]["kk"]
            for lang in ("kk", "ru", "en"):
                values[f"{field}_{lang}"] = data[field][lang]
        Section.objects.update_or_create(kind=data["kind"], defaults=values)


def remove_sections(apps, schema_editor):
    apps.get_model("heritage", "Section").objects.filter(
        kind__in=[data["kind"] for data in SECTIONS], items__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("heritage", "0001_initial")]

    operations = [migrations.RunPython(create_sections, remove_sections)]
