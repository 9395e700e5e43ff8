"""The coach's own words in English, Swedish and Norwegian bokmål (merged into ``i18n.STRINGS``).

Kept apart from the register's strings because the dialogue has many of them. Each is written for its language, not
translated word for word: the Swedish and Norwegian read as a person would say them in a chat. Values are filled in
by ``i18n.t``; user text in them is escaped by the caller.
"""

from __future__ import annotations

COACH_STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "coach.empty": "Send me a goal and I will grade it, e.g. _40 enquiries a month from the website by June_.",
        "coach.intro": (
            "Hi! I coach marketing goals into KPIs a team can steer by. Send me a goal in plain words and I will "
            "grade it and ask one question at a time until it is a good one."
        ),
        "coach.intro_example": "For example: _Get more bookings from Instagram_",
        "coach.intro_commands": (
            "In the thread: `why?` explains my question · `skip` leaves it open · `new` starts over · `save` saves it."
        ),
        "coach.fresh": "Fresh start. Send me the new goal.",
        "coach.draft": "Draft",
        "coach.score_change": "Score {before}/100 → {after}/100",
        "coach.gone": "Fixed",
        "coach.added": "New",
        "coach.unclear": "I didn't catch that.",
        "coach.finished": "Nothing important is missing. Here is your goal:",
        "coach.save_hint": "Save it with the button, or type `save`.",
        "coach.why_title": "Why I ask",
        "coach.why_none": "There is nothing left I would ask about – this goal is ready.",
        "coach.saved": "Saved as *#{number}* {name}.",
        "coach.q.metric": "Which result closest to the sale would show this works: enquiries, bookings, sales?",
        "coach.q.scope": "Which other ways of getting in touch count too: calls, e-mails, bookings?",
        "coach.q.target": "What number do you aim for?",
        "coach.q.realistic": "That is a very big step for the time. What target is realistic?",
        "coach.q.deadline": "By when?",
        "coach.q.baseline": "What is the value today?",
        "coach.q.owner": "Who owns it?",
        "coach.q.plan": "Optional: what will you do if it lags behind?",
        "coach.hint.metric": "e.g. _make it bookings instead_",
        "coach.hint.scope": "e.g. _calls and e-mails count too_",
        "coach.hint.target": "e.g. _aim for 150 a month_",
        "coach.hint.realistic": "e.g. _aim for 20 % more_",
        "coach.hint.deadline": "e.g. _by June_",
        "coach.hint.baseline": "e.g. _we're at 120 today_",
        "coach.hint.owner": "e.g. _owner @anna_ or _me_",
        "coach.hint.plan": "e.g. _if it lags we move budget from ads to e-mail_",
        "coach.updated": "*#{number}* {name} is updated.",
        "coach.saved_owner": "Owner: <@{owner}>. `/kpi show {number}` shows it.",
        "coach.saved_no_owner": "No owner yet – add one with `/kpi edit {number}`. `/kpi show {number}` shows it.",
        "coach.not_allowed": "Only the owner or the creator of *#{number}* can change it, so I saved nothing.",
        "coach.noted": "Noted",
        "coach.field.metric": "result",
        "coach.field.baseline": "today's value",
        "coach.field.target": "target",
        "coach.field.relative_pct": "change",
        "coach.field.deadline": "deadline",
        "coach.field.owner": "owner",
        "coach.field.plan": "plan",
        "coach.field.scope": "also counts",
        "coach.turned_down": "{target} is below today's {baseline}, so the goal is now a decrease.",
        "coach.turned_up": "{target} is above today's {baseline}, so the goal is now an increase.",
        "coach.owner_other": "Who is it, then? Mention the person with @.",
        "coach.same": "That is already in the goal.",
        "coach.elsewhere": "I left {numbers} out: the goal is about {metric}.",
        "coach.cleared": "The earlier numbers did not count {metric}, so I took them out.",
        "coach.left_out": (
            "I left {numbers} out – is it the target or today's value? Write e.g. _target {example}_ or "
            "_{example} today_."
        ),
        "coach.expected.metric": "I need to know which result should count",
        "coach.expected.scope": "I need to know which other ways of getting in touch should count",
        "coach.expected.target": "I need the number you want to reach",
        "coach.expected.realistic": "I need a target you think you can reach in that time",
        "coach.expected.deadline": "I need a date, a month or a quarter",
        "coach.expected.baseline": "I need to know where you are today, as a number",
        "coach.expected.owner": "I need one person in this workspace",
        "coach.expected.plan": "I need to know what you will do if it lags behind",
        "coach.expected.none": "I found nothing in that to change in the goal.",
        "coach.way_out": (
            "Want to move on? `skip` leaves the question open, `new` starts over and `save` saves the goal as it is."
        ),
        "coach.button.skip": "Skip",
        "coach.button.new": "Start over",
        "coach.button.save": "Save as KPI",
        "coach.button.save_anyway": "Save anyway",
        "coach.button.keep_going": "Keep going",
        "coach.not_found": "I can't find {name} in this workspace. Mention the person with @ so I get the right one.",
        "coach.people_unavailable": "I can't look people up right now. Mention the person with @ instead.",
        "coach.confirm_owner": "{name} – right?",
        "coach.confirm_owner_others": "More than one person could fit. Pick one, or mention the right one with @.",
        "coach.no_owner": (
            "Fine – the KPI can be saved without an owner. I'll ask again when you save, and you can add one later "
            "with `/kpi edit`."
        ),
        "coach.skipped.metric": "OK, we keep the result as it is.",
        "coach.skipped.scope": "OK, only this kind of contact counts.",
        "coach.skipped.target": "OK, no target for now.",
        "coach.skipped.realistic": "OK, the target stays as it is.",
        "coach.skipped.deadline": "OK, no deadline for now.",
        "coach.skipped.baseline": "OK, no starting point for now.",
        "coach.skipped.plan": "OK, no plan for now.",
        "coach.missing.metric": "a result close to the sale",
        "coach.missing.scope": "the other ways customers get in touch",
        "coach.missing.target": "a target",
        "coach.missing.realistic": "a realistic target",
        "coach.missing.deadline": "a deadline",
        "coach.missing.baseline": "today's value",
        "coach.missing.owner": "an owner",
        "coach.confirm_save": "Still missing: {missing}. Save it anyway, or keep going?",
        "coach.finished_open": "That's all I'd ask. Still open: {missing}.",
        "coach.resume": "Let's go on.",
        "coach.long": (
            "Your message was long, so I took the goal from this sentence: _{excerpt}_ – the rest ({count} "
            "characters) I left out. Tell me if the goal is something else."
        ),
        "coach.long_no_goal": (
            "I read your message but found no sentence saying what should change. Write the goal in one sentence, "
            "e.g. _40 enquiries a month from the website by June_."
        ),
        "coach.and": "and",
    },
    "sv": {
        "coach.empty": "Skicka ett mål så bedömer jag det, t.ex. _40 förfrågningar i månaden via webben senast juni_.",
        "coach.intro": (
            "Hej! Jag hjälper er att göra marknadsmål till KPI:er som teamet kan styra efter. Skriv ett mål med egna "
            "ord, så bedömer jag det och ställer en fråga i taget tills det håller."
        ),
        "coach.intro_example": "Till exempel: _Fler bokningar via Instagram_",
        "coach.intro_commands": (
            "I tråden: `varför?` förklarar frågan · `hoppa över` lämnar den öppen · `ny` börjar om · "
            "`spara` sparar målet."
        ),
        "coach.fresh": "Vi börjar om. Skicka det nya målet.",
        "coach.draft": "Utkast",
        "coach.score_change": "Poäng {before}/100 → {after}/100",
        "coach.gone": "Åtgärdat",
        "coach.added": "Nytt",
        "coach.unclear": "Det förstod jag inte riktigt.",
        "coach.finished": "Inget viktigt saknas längre. Här är ditt mål:",
        "coach.save_hint": "Spara det med knappen eller skriv `spara`.",
        "coach.why_title": "Därför frågar jag",
        "coach.why_none": "Jag har inget mer att fråga om – målet är klart.",
        "coach.saved": "Sparad som *#{number}* {name}.",
        "coach.q.metric": (
            "Vilket resultat närmast försäljningen skulle visa att det fungerar: förfrågningar, bokningar, försäljning?"
        ),
        "coach.q.scope": "Vilka andra sätt att höra av sig räknas också: samtal, mejl, bokningar?",
        "coach.q.target": "Vilken siffra siktar ni på?",
        "coach.q.realistic": "Det är ett väldigt stort kliv på den tiden. Vilket mål är rimligt?",
        "coach.q.deadline": "Till när?",
        "coach.q.baseline": "Var ligger ni i dag?",
        "coach.q.owner": "Vem är ansvarig?",
        "coach.q.plan": "Frivilligt: vad gör ni om det släpar efter?",
        "coach.hint.metric": "t.ex. _byt till bokningar_",
        "coach.hint.scope": "t.ex. _samtal och mejl räknas också_",
        "coach.hint.target": "t.ex. _sikta på 150 i månaden_",
        "coach.hint.realistic": "t.ex. _sikta på 20 % mer_",
        "coach.hint.deadline": "t.ex. _senast i juni_",
        "coach.hint.baseline": "t.ex. _vi ligger på 120 i dag_",
        "coach.hint.owner": "t.ex. _ansvarig @anna_ eller _jag_",
        "coach.hint.plan": "t.ex. _om det släpar flyttar vi budget från annonser till nyhetsbrev_",
        "coach.updated": "*#{number}* {name} är uppdaterad.",
        "coach.saved_owner": "Ägare: <@{owner}>. `/kpi visa {number}` visar den.",
        "coach.saved_no_owner": (
            "Ingen ägare än – lägg till en med `/kpi ändra {number}`. `/kpi visa {number}` visar den."
        ),
        "coach.not_allowed": "Bara ägaren eller den som skapade *#{number}* kan ändra den, så jag sparade ingenting.",
        "coach.noted": "Noterat",
        "coach.field.metric": "resultat",
        "coach.field.baseline": "dagens värde",
        "coach.field.target": "mål",
        "coach.field.relative_pct": "förändring",
        "coach.field.deadline": "senast",
        "coach.field.owner": "ägare",
        "coach.field.plan": "plan",
        "coach.field.scope": "räknas också",
        "coach.turned_down": "{target} är lägre än dagens {baseline}, så nu blir målet en minskning.",
        "coach.turned_up": "{target} är högre än dagens {baseline}, så nu blir målet en ökning.",
        "coach.owner_other": "Vem är det då? Nämn personen med @.",
        "coach.same": "Det står redan i målet.",
        "coach.elsewhere": "Jag tog inte med {numbers} – målet gäller {metric}.",
        "coach.cleared": "De tidigare siffrorna gällde inte {metric}, så jag tog bort dem.",
        "coach.left_out": (
            "Jag tog inte med {numbers} – är det målet eller dagens värde? Skriv t.ex. _målet är {example}_ eller "
            "_{example} i dag_."
        ),
        "coach.expected.metric": "Jag behöver veta vilket resultat som ska räknas",
        "coach.expected.scope": "Jag behöver veta vilka andra sätt att höra av sig som också ska räknas",
        "coach.expected.target": "Jag behöver siffran ni vill nå",
        "coach.expected.realistic": "Jag behöver ett mål som ni tror går att nå på den tiden",
        "coach.expected.deadline": "Jag behöver ett datum, en månad eller ett kvartal",
        "coach.expected.baseline": "Jag behöver veta var ni ligger i dag, i siffror",
        "coach.expected.owner": "Jag behöver namnet på en person i arbetsytan",
        "coach.expected.plan": "Jag behöver veta vad ni gör om det släpar efter",
        "coach.expected.none": "Jag hittade inget i det som ändrar målet.",
        "coach.way_out": (
            "Vill du gå vidare? `hoppa över` lämnar frågan öppen, `ny` börjar om och `spara` sparar målet som det är."
        ),
        "coach.button.skip": "Hoppa över",
        "coach.button.new": "Börja om",
        "coach.button.save": "Spara som KPI",
        "coach.button.save_anyway": "Spara ändå",
        "coach.button.keep_going": "Fortsätt",
        "coach.not_found": "Jag hittar ingen {name} i arbetsytan. Nämn personen med @, så blir det rätt.",
        "coach.people_unavailable": "Jag kan inte slå upp personer just nu. Nämn personen med @ i stället.",
        "coach.confirm_owner": "{name} – stämmer det?",
        "coach.confirm_owner_others": "Det finns flera som passar. Välj en, eller nämn rätt person med @.",
        "coach.no_owner": (
            "Okej – KPI:n kan sparas utan ägare. Jag frågar igen när du sparar, och du kan lägga till en senare "
            "med `/kpi ändra`."
        ),
        "coach.skipped.metric": "Okej, vi behåller resultatet som det är.",
        "coach.skipped.scope": "Okej, bara den här sortens kontakt räknas.",
        "coach.skipped.target": "Okej, vi väntar med målsiffran.",
        "coach.skipped.realistic": "Okej, målet får stå kvar.",
        "coach.skipped.deadline": "Okej, vi väntar med slutdatumet.",
        "coach.skipped.baseline": "Okej, vi väntar med utgångsläget.",
        "coach.skipped.plan": "Okej, ingen plan just nu.",
        "coach.missing.metric": "ett resultat nära försäljningen",
        "coach.missing.scope": "andra sätt som kunderna hör av sig på",
        "coach.missing.target": "en målsiffra",
        "coach.missing.realistic": "ett rimligt mål",
        "coach.missing.deadline": "ett slutdatum",
        "coach.missing.baseline": "dagens värde",
        "coach.missing.owner": "en ägare",
        "coach.confirm_save": "Det saknas fortfarande {missing}. Vill du spara ändå eller fortsätta?",
        "coach.finished_open": "Jag har inga fler frågor. Fortfarande öppet: {missing}.",
        "coach.resume": "Då fortsätter vi.",
        "coach.long": (
            "Meddelandet var långt, så jag tog målet från den här meningen: _{excerpt}_ – resten ({count} tecken) "
            "lät jag vara. Säg till om målet är något annat."
        ),
        "coach.long_no_goal": (
            "Jag läste meddelandet men hittade ingen mening som säger vad som ska förändras. Skriv målet i en "
            "mening, t.ex. _40 förfrågningar i månaden via webben senast juni_."
        ),
        "coach.and": "och",
    },
    "nb": {
        "coach.empty": "Send meg et mål, så vurderer jeg det, f.eks. _40 henvendelser i måneden innen juni_.",
        "coach.intro": (
            "Hei! Jeg hjelper dere å gjøre markedsmål om til KPI-er teamet kan styre etter. Skriv et mål med egne "
            "ord, så vurderer jeg det og stiller ett spørsmål om gangen til det holder."
        ),
        "coach.intro_example": "For eksempel: _Flere bookinger fra Instagram_",
        "coach.intro_commands": (
            "I tråden: `hvorfor?` forklarer spørsmålet · `hopp over` lar det stå åpent · `ny` starter på nytt · "
            "`lagre` lagrer."
        ),
        "coach.fresh": "Vi starter på nytt. Send meg det nye målet.",
        "coach.draft": "Utkast",
        "coach.score_change": "Poeng {before}/100 → {after}/100",
        "coach.gone": "Fikset",
        "coach.added": "Nytt",
        "coach.unclear": "Det fikk jeg ikke helt med meg.",
        "coach.finished": "Ingenting viktig mangler lenger. Her er målet ditt:",
        "coach.save_hint": "Lagre det med knappen, eller skriv `lagre`.",
        "coach.why_title": "Derfor spør jeg",
        "coach.why_none": "Jeg har ikke mer å spørre om – målet er klart.",
        "coach.saved": "Lagret som *#{number}* {name}.",
        "coach.q.metric": "Hvilket resultat nærmest salget ville vist at dette virker: henvendelser, bookinger, salg?",
        "coach.q.scope": "Hvilke andre måter å ta kontakt på teller også: samtaler, e-post, bookinger?",
        "coach.q.target": "Hvilket tall sikter dere mot?",
        "coach.q.realistic": "Det er et veldig stort steg på den tiden. Hvilket mål er realistisk?",
        "coach.q.deadline": "Innen når?",
        "coach.q.baseline": "Hvor ligger dere i dag?",
        "coach.q.owner": "Hvem har ansvaret?",
        "coach.q.plan": "Valgfritt: hva gjør dere hvis det henger etter?",
        "coach.hint.metric": "f.eks. _bytt til bookinger_",
        "coach.hint.scope": "f.eks. _samtaler og e-post teller også_",
        "coach.hint.target": "f.eks. _målet er 150 i måneden_",
        "coach.hint.realistic": "f.eks. _sikt mot 20 % mer_",
        "coach.hint.deadline": "f.eks. _innen juni_",
        "coach.hint.baseline": "f.eks. _vi er på 120 nå_",
        "coach.hint.owner": "f.eks. _ansvarlig @anna_ eller _meg_",
        "coach.hint.plan": "f.eks. _hvis det henger etter, flytter vi budsjett fra annonser til nyhetsbrev_",
        "coach.updated": "*#{number}* {name} er oppdatert.",
        "coach.saved_owner": "Eier: <@{owner}>. `/kpi vis {number}` viser den.",
        "coach.saved_no_owner": (
            "Ingen eier ennå – legg til en med `/kpi endre {number}`. `/kpi vis {number}` viser den."
        ),
        "coach.not_allowed": "Bare eieren eller den som opprettet *#{number}*, kan endre den, så jeg lagret ingenting.",
        "coach.noted": "Notert",
        "coach.field.metric": "resultat",
        "coach.field.baseline": "dagens verdi",
        "coach.field.target": "mål",
        "coach.field.relative_pct": "endring",
        "coach.field.deadline": "frist",
        "coach.field.owner": "eier",
        "coach.field.plan": "plan",
        "coach.field.scope": "teller også",
        "coach.turned_down": "{target} er lavere enn dagens {baseline}, så nå blir målet en nedgang.",
        "coach.turned_up": "{target} er høyere enn dagens {baseline}, så nå blir målet en økning.",
        "coach.owner_other": "Hvem er det da? Nevn personen med @.",
        "coach.same": "Det står allerede i målet.",
        "coach.elsewhere": "Jeg tok ikke med {numbers} – målet gjelder {metric}.",
        "coach.cleared": "De tidligere tallene gjaldt ikke {metric}, så jeg tok dem ut.",
        "coach.left_out": (
            "Jeg tok ikke med {numbers} – er det målet eller dagens verdi? Skriv f.eks. _målet er {example}_ eller "
            "_{example} nå_."
        ),
        "coach.expected.metric": "Jeg trenger å vite hvilket resultat som skal telle",
        "coach.expected.scope": "Jeg trenger å vite hvilke andre måter å ta kontakt på som skal telle",
        "coach.expected.target": "Jeg trenger tallet dere vil nå",
        "coach.expected.realistic": "Jeg trenger et mål dere tror er mulig å nå på den tiden",
        "coach.expected.deadline": "Jeg trenger en dato, en måned eller et kvartal",
        "coach.expected.baseline": "Jeg trenger å vite hvor dere ligger i dag, i tall",
        "coach.expected.owner": "Jeg trenger navnet på én person i arbeidsområdet",
        "coach.expected.plan": "Jeg trenger å vite hva dere gjør hvis det henger etter",
        "coach.expected.none": "Jeg fant ikke noe i det som endrer målet.",
        "coach.way_out": (
            "Vil du gå videre? `hopp over` lar spørsmålet stå åpent, `ny` starter på nytt og `lagre` lagrer målet "
            "slik det er."
        ),
        "coach.button.skip": "Hopp over",
        "coach.button.new": "Start på nytt",
        "coach.button.save": "Lagre som KPI",
        "coach.button.save_anyway": "Lagre likevel",
        "coach.button.keep_going": "Fortsett",
        "coach.not_found": "Jeg finner ingen {name} i arbeidsområdet. Nevn personen med @, så blir det riktig.",
        "coach.people_unavailable": "Jeg får ikke slått opp personer akkurat nå. Nevn personen med @ i stedet.",
        "coach.confirm_owner": "{name} – stemmer det?",
        "coach.confirm_owner_others": "Flere kan passe. Velg én, eller nevn riktig person med @.",
        "coach.no_owner": (
            "Greit – KPI-en kan lagres uten eier. Jeg spør igjen når du lagrer, og du kan legge til en senere "
            "med `/kpi endre`."
        ),
        "coach.skipped.metric": "Greit, vi beholder resultatet slik det er.",
        "coach.skipped.scope": "Greit, bare denne typen kontakt teller.",
        "coach.skipped.target": "Greit, vi venter med måltallet.",
        "coach.skipped.realistic": "Greit, målet blir stående.",
        "coach.skipped.deadline": "Greit, vi venter med fristen.",
        "coach.skipped.baseline": "Greit, vi venter med utgangspunktet.",
        "coach.skipped.plan": "Greit, ingen plan foreløpig.",
        "coach.missing.metric": "et resultat nær salget",
        "coach.missing.scope": "andre måter kundene tar kontakt på",
        "coach.missing.target": "et måltall",
        "coach.missing.realistic": "et realistisk mål",
        "coach.missing.deadline": "en frist",
        "coach.missing.baseline": "dagens verdi",
        "coach.missing.owner": "en eier",
        "coach.confirm_save": "Det mangler fortsatt {missing}. Vil du lagre likevel eller fortsette?",
        "coach.finished_open": "Jeg har ikke flere spørsmål. Fortsatt åpent: {missing}.",
        "coach.resume": "Da fortsetter vi.",
        "coach.long": (
            "Meldingen var lang, så jeg hentet målet fra denne setningen: _{excerpt}_ – resten ({count} tegn) lot "
            "jeg ligge. Si fra hvis målet er noe annet."
        ),
        "coach.long_no_goal": (
            "Jeg leste meldingen, men fant ingen setning som sier hva som skal endres. Skriv målet i én setning, "
            "f.eks. _40 henvendelser i måneden innen juni_."
        ),
        "coach.and": "og",
    },
}
