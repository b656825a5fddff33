"""Who is who in a sentence: people and roles, systems, words that carry no actor.

Small closed lists rather than a model: a person is a role noun, a pronoun,
an @handle, a common first name or a capitalised First Last pair; anything
else that is a content word (the script, the alert, Kubernetes, the agent)
is not a person. An AI agent, assistant or model is a system here.
"""

from __future__ import annotations

import unicodedata


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def fold(word: str) -> str:
    """`word` without its accents: "lucía" -> "lucia", "chloé" -> "chloe"."""
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


ROLES = _words(
    """
    guy guys folks individual individuals member members
    captain captains shepherd steward coordinator coordinators scribe dispatcher supervisor
    supervisors specialist specialists officer officers expert experts admin administrator
    administrators admins analyst analysts approver approvers architect architects author
    authors ceo coder coders colleague colleagues commander committer committers consultant
    consultants contractor contractors crew cto dba dbas designer designers dev developer
    developers devops devs director directors employee employees engineer engineers
    executive executives founder he him hire hires human humans intern interns junior lead
    leads maintainer maintainers management manager managers newbie newcomer on-call
    on-caller on-callers oncall operator operators ops owner owners people person pm pms
    programmer programmers qa rep representative representatives reps responder responders
    reviewer reviewers senior seniors she somebody someone squad sre sres staff staffer
    staffers sysadmin sysadmins team teammate teammates teams technician technicians tester
    testers vp whoever requester requesters
    submitter submitters trainee trainees apprentice apprentices
    mentor mentors assignee assignees oncallee firefighter firefighters scientist scientists
    researcher researchers annotator annotators rater
    raters ic ics deployer deployers releaser releasers freelancer freelancers contributor
    contributors moderator moderators labeler labelers labeller labellers auditor auditors
    boss bosses swe swes sde sdes sysop sysops webmaster stakeholder stakeholders
    translator translators interpreter interpreters localizer localizers grad grads graduate
    graduates everyone everybody evaluator evaluators
    """
)

FIRST_PERSON = _words(
    """
    our ourselves us we
    """
)

# "I", "me": a writer judging themselves ("I screwed up", "this one's on me") is
# blaming a person all the same; "we" is the team describing its system.
SELF = _words(
    """
    i me myself
    """
)

# Before a surname, titles that make it a person ("Mr. Ivanov", "Dr Okafor").
TITLES = _words(
    """
    mr mrs ms mx dr mister miss herr frau sir madam mme mlle sr sra sri prof
    """
)

# Honorific suffixes after a surname ("Tanaka-san", "Kim-ssi"): a person.
HONORIFICS = ("-san", "-sama", "-kun", "-chan", "-ssi", "-nim", "-ji", "-sensei")

# Before "shift", "rota", "rotation": words that make it a group of people on duty
# ("the night shift botched the failover").
DUTY_GROUPS = _words(
    """
    night day late early weekend morning evening graveyard on-call oncall sre ops support
    overnight holiday
    """
)
DUTY_NOUNS = _words(
    """
    shift shifts rota rotas rotation
    """
)

NEGATORS = _words(
    """
    neither nobody none noone nothing
    """
)

# Words a subject search steps over: articles, auxiliaries, adverbs, relative pronouns.
TRANSPARENT = _words(
    """
    a actually again alone already also an and any apparently are aren't basically be been
    being call certainly clearly completely couldn't did didn't do does doesn't don't duty
    each entirely eventually every evidently first had hadn't has hasn't have haven't her
    herself himself his immediately in initially is isn't its junior just later my new
    obviously on our probably quickly really repeatedly responsible rotation senior shift
    shouldn't simply some still subsequently both that the their themselves then these this those
    ultimately unfortunately was wasn't were weren't who whom wouldn't your managed tried
    proceeded went too only got get gets became
    """
)

# Capitalised words that are not names: sentence starters, months, products, systems.
NOT_NAMES = _words(
    """
    a after agent airflow akamai aks also although amazon an and android ansible anthropic
    api apple april argo argocd as assistant at august auth0 aws azure because before
    bigquery billing bitbucket bot but by cassandra cause cd cdn celery chatbot checkout
    chrome ci claude cli cloudflare cloudfront cloudwatch confluence consul copilot coredns
    css customers databricks datadog december dependabot detection dev django dns docker
    during dynamodb ec2 eks elasticsearch envoy etcd eventually everyone fastly february
    finally firefox flask flux for friday from gcp github gitlab gke go google gpt grafana
    haproxy helm here heroku however html http https iam if impact in incident initially
    instead into ios istio it its january java jenkins jira json july june jwt k8s kafka
    kubernetes lambda later linux llm login macos march may mcp meanwhile meta microsoft
    model monday mongodb mysql netlify nginx nobody node nor november oauth october of okta
    on once onto openai opensearch opsgenie or oracle our outage over pagerduty payments
    postgres postgresql prod production prometheus python qa rag rails rds react redis
    renovate resolution root route53 ruby rust s3 safari salesforce sap saturday sdk search
    security sentry september sidekiq signup since slack snowflake sns so someone spark sql
    sqs ssl sso staging status still stripe summary sunday support terraform that the their
    then there these they this those thursday timeline tls to trigger tuesday twilio ui
    under until users ux varnish vault vercel vpc vpn we wednesday when while windows with
    without yaml yet zendesk
    how what where which why whose did does do is was were are has have had can could
    should would will markdown mkdocs material notion jupyter excel figma miro zoom
    """
)

FIRST_NAMES = frozenset(
    fold(name)
    for name in _words(
        """
    li wu xu hu ma lu bo al ed ty jo ali ari avi eun hae ji ye su yi mo kai ken rui sol
    aaron abdul adam adriana ahmed aisha akira alan alberto alex alexander alexandra
    alice alicia amanda amir amy ana andre andrea andrew andy angela anil anita ann anna
    anne anthony antonio arjun ashley bea ben benjamin beth bill bob brandon brian bruno
    carl carla carlos carmen caroline catherine charles charlie chen chris christian
    christina christine claire colin connor craig dan dana daniel daniela dave david
    deepak denis diana diego dmitri dominic dong dylan eduardo elena eli elijah
    elizabeth ella emily emma eric erik eva evan fatima felix fernando francesca frank
    fred gabriel gary george grace greg hana hannah hans harry heather helen henry hiro
    hiroshi hugo ian igor ines irene isaac isabel ivan jack jacob jake james jamie jan
    jane jason javier jay jean jeff jen jennifer jeremy jessica jim jin joan joao joe
    joel john jon jonas jordan jorge jose joseph josh joshua josé joão juan julia julian
    julie jun justin karen karl kate katie kenji kevin kim kofi kumar kyle lars laura
    lauren lea lee lena leo liam lin linda lisa liu lucas lucia luis luke marco marcus
    maria mark marta martin mary matt matthew max maya mei mia michael michelle miguel
    mike min ming mohamed mohammed nadia nancy naomi natalia nathan neha nick nicole
    nikita nina noah nora olga oliver olivia omar oscar pablo patricia patrick paul
    paula pedro peter phil pierre priya rachel rahul raj rajesh ravi rebecca ricardo
    richard rick rob robert roberto robin ryan sam samantha samir sandra sara sarah sean
    sergei shira simon sofia sophie stefan stephen steve steven sunil susan sven takeshi
    tanya tara ted thomas tim tina tom tomas tony tyler valentina victor vijay vikram
    wei will william xavier yan yuki yusuf zara zhang zoe abel ada adeola adrian
    agnieszka ahmad aiden aiko akash aleksandr aleksei alessandro alexei alfonso alina
    amara amelia amit ananya anders andreas andrei andres angelo anika anjali ankit
    annika anton antoine arash arnav arturo astrid aurelien ayesha aylin barbara bastian
    beatriz benedikt bernard bianca bilal bjorn blake bogdan boris brenda brett bruce
    caleb camila camille carina carolina cecilia celine cesar chandra chiara chidi
    chinedu chloe ciaran clara claudia clement cristina damian damla daria darius davide
    declan deniz derek dhruv dimitri dina dmitry dominik doris duc eduard efua eilidh
    elif elin elise ellie elsa emeka emil emilia emilio emine emre enrico enzo esra
    esther ethan eun-ji fabian fabio fang farah farid federico felipe fernanda filip
    finn florian francesco francisco franziska freya gaurav gemma georg giulia giovanni
    gonzalo goran greta gustavo hakan hamza harper hassan hector heidi helga hendrik
    hugh hyun ibrahim ida ifeoma ilya imran ingrid ioana irina isabella isak jakub jana
    janet janek javed jelena jens jia jiho joanna johan johanna jonathan jovan julien
    jurgen kaan kamal karim karina karthik kasia katarina kavya kayla keiko kemal kenta
    keisha khalid kiran klaus kwame kyoko lakshmi lamar lana laszlo latoya layla leila
    leon leonardo liang lily linnea lorenzo louis luca luka lukas lupita madhu magnus
    mahmoud maja malik manuel marek margaret mariana marie marina mario marius marko
    mateo mateus mathias matteo maurice maxime mehmet mehdi melissa mohammad monica
    nasser natasha neil nikhil niklas nils nisha noor nour obi olumide oskar owen pavel
    petra philipp pia pooja prakash prisha priyanka quentin rafael rana rania raphael
    rashid rebekah reza riccardo rita riya roberta rohan roman rosa ruben ruth saanvi
    sabrina sadia sakura salma salvatore santiago sanjay sasha sebastian selin sergio
    seo-yeon shanice shreya sid silvia simone siobhan sipho siddharth sonia soren stella
    sunita svetlana tamar tamara tariq teresa theo tobias tomasz tomás tuan uma ursula
    valentin vanessa vera veronica vivek vladimir wen wiktor xin yara yasmin yeon
    yiannis yosef yuna yuri zainab zanele zeynep zhao zhou ziad zofia aaliyah aarav
    abebe abena abigail achieng ade adebayo aditya adjoa agus akosua alejandro almaz
    alvaro amaka amani amelie amina anand anastasia anh anja aoi aoife aroha asher ashok
    ava avery axel ayodele ayse babajide baraka baris bola bongani budi burak cameron
    cem chiamaka chioma christopher chukwuemeka cian ciara colton daiki daisuke darnell
    dawit deepika deshawn dewi divya doyun dragan ebru ekaterina elias eoin esi eszter
    etienne eunji evelyn everett ewa ezekiel ezra fatma francois funmilayo gabor
    gabriela ganesh giuseppe gopal grayson greyson halima hao haoran harish haruka
    haruto henrik hiba hinata hoa huang hui hung hussein hyejin ifeanyi ignacio imani
    ishaan ivana jace jackson jae jaehyun jamal jameson jasmine jaxon jaxson jayden
    jeremiah jie jihoon jing jiri jisoo jiwoo josiah jules juliette juma kabir kagiso
    kaito kamau kanya kaori karan karin katarzyna katharina kavita kayden kazuki kelechi
    kerem kojo krishna kristin krzysztof kwaku landon larissa lei lenka lerato levi
    lindiwe ling linh logan louise lukasz magdalena malee mandla manish manon marcin
    mariam martina maryam mateusz mathieu maverick maximilian meera meron merve michal
    mihai mikael mikhail milan mingyu minh minho minji moana mustafa mwangi nabil naoko
    naveen neema ngozi nguyen niamh nicholas nicolas nikola nikolai nikolay niran njeri
    nnamdi nolan nomvula obinna odhiambo oisin oksana olamide oleg oluwadamilare
    oluwaseun otieno ozan padraig palesa pawel petr pilar piotr pranav putri radhika
    rafaela ramesh rami raul reem ren riku riley rizal rocio rodrigo rohit ryo ryota
    sabine sami samuel sandeep saoirse satoshi scarlett seamus segun selam seojun sergey
    serkan seun shota shruti sigrid sneha somchai soojin sophia sota srinivas sungmin
    suresh swati takumi tane tanisha tatiana tatsuya temitope terrell thabo thandiwe
    thao themba theodore thiago tiago tobi tsion tunde tyrone uchenna varun venkat
    vihaan walid wang wanjiku wanjiru wesley wyatt xiaoli xiaoming yang yaw yeji yetunde
    yifan yoko yonas youssef yui yulia yusuke yuto yuxuan zawadi zhiwei zihan zoey
    zoltan oluwatobi chinonso adaeze kemi folake sade jelani kwabena nana-ama abdullah
    abdul-rahman farhan faisal zubair saad usman ayaan reyansh sai vikas shreyas tanvi
    ishita aanya pallavi rekha vinay dinesh mahesh rajiv sanjiv aravind balaji thanh
    quang trung phuong huong nam kiet bao maile keoni leilani kalani makoa ngaio wiremu
    hemi ulla pekka jukka mikko antti matti sanna tuomas kaisa aino eero dolores
    consuelo guadalupe ximena renata valeria catalina florencia agustin joaquin mattias
    pontus viktor gustav frida ebba nuno joana duarte goncalo afonso catarina daan sem bram
    thijs sanne femke lotte joris maarten pieter wouter giorgos nikos dimitris eleni katerina
    yannis kostas noa yael tal omer itai eitan lior dariush shirin parisa navid babak kian
    tomi
    rasmus matias agnes linus markus julius cornelius janis alexis dennis francis lewis
    curtis otis silas amos marcos frances gunther gunter walter roger spencer dexter kasper
    jasper casper werner rainer dieter skyler arthur luther reiner gunnar ragnar hannes klaas
    niels kees jurriaan lieselotte annegret wolfgang jurgis aistis darius vytautas mindaugas
    tadas kestutis ilyas idris yunus enis anis kaspars janis raimonds edgars ainars
    ulrich heiner volker gerhard lothar holger rudiger jorg reinhold kristoffer jesper
    christer

    aditi afia afsaneh aigerim akshay aliya amaru ankita aparna archana arman ayanda
    ayumi bakhyt bartek bartosz bhavna bisi bruna caio chetan chipo dauren dawid dayo
    deepa devika dilnoza ebuka farai farrukh farzad femi frieda gautam gbenga giorgi
    golnar grzegorz gulnara hanna harsha haruki hema hye-jin ikenna imara inti jabari
    jae-won jannik jarrah jaya ji-hoon jonah jyoti kacper kalinda kaveh kazuo kehinde
    khanh kilian killa kim-ly kobina kuba kunle kwesi lanre lata lennart leticia levan
    leyla lindani losa lotta luisa luiz lusine maciej madhuri marcelo marlene mathilda
    mehran mele min-jun mina misaki mohan moritz nanami nandi nandini narek nasrin nele
    nino nitin nursultan ola omari otavio parth pradeep preeti quilla quynh rafal rakesh
    ravindra renato rhea rina ritu roya rudo rustam sachin saeed sanjana santosh seyi
    shahram shalini shweta sione sizwe smita soheil szymon taiwo tarun tatenda tayo
    tendai tevita thuy tigran timur tjandamurra torben uday usha vandana vinicius vinod
    wale wayra wojtek yaa yash yemi yuko yumi yupanqui yutaka zodwa zuri zuzanna
    """
    )
)

# Past tenses without -ed: the verb a subject search steps back over.
IRREGULAR_PAST = _words(
    """
    began brought built chose cut did drove found gave got held hit kept left let lost made
    paid picked pushed put quit ran read rolled said saw sent set shut sold spent thought
    threw told took typed went won wrote lit hid broke bought caught drew felt forgot froze
    heard hung knew laid led meant met overrode overwrote rewrote reran sat shot slid split
    spun stole stood stuck struck swore swept taught tore understood woke wore undid withdrew
    given taken shown written driven chosen forgotten spoken stolen hidden fallen thrown drawn
    reset upset spread broadcast rerun offset
    """
)

# What people, not systems, ignore or skip: with these, an unknown capitalised
# subject ("Danny ignored the linter warnings") is taken for a name.
HUMAN_OBJECTS = _words(
    """
    team teams engineer engineers people someone manager managers customer customers
    runbook runbooks warning warnings alert alerts page pages pager checklist review
    reviews reviewer advice feedback process procedure procedures policy freeze linter
    instructions docs documentation notes guide plan ticket tickets message messages
    email emails call calls escalation rotation handoff handover approval approvals
    canary canaries dashboard dashboards graph graphs symptoms signs checks check pre-flight
    preflight tests test backup backups alarm alarms
    """
)

# Before "agent", words that make it a person rather than the AI agent under test.
HUMAN_SERVICE = _words(
    """
    helpdesk help-desk human live call-center call-centre desk service-desk field travel
    insurance booking
    """
)

# Words after a capitalised first word that make it the subject ("Dave forgot").
AUXILIARIES = _words(
    """
    could did does forgot is left let misread never rushed should slept was were would
    managed tried proceeded went had has knew chose kept panicked needs keeps wants insists
    refuses ignores
    """
)

# Words that open another clause.
CLAUSE_WORDS = _words(
    """
    and because but or that when which while who
    """
)

# Prepositions a subject search steps over ("the author of the change").
PREPOSITIONS = _words(
    """
    about against at for from in into of on onto to with within
    """
)

# Verbs that credit a person: "it was Alice who noticed" blames nobody.
CREDIT = _words(
    """
    caught diagnosed escalated fixed flagged found helped led mitigated noticed raised
    recovered reported resolved restored saved spotted
    """
)

# Around "operator", words that make it software (a Kubernetes operator), not a person.
OPERATOR_SOFTWARE = _words(
    """
    pattern patterns sdk framework frameworks hub lifecycle crd crds controller controllers
    reconcile reconciler reconciliation kubernetes k8s prometheus postgres postgresql mysql
    redis kafka strimzi elasticsearch istio argo argocd flux crossplane rook ceph etcd spark
    helm olm database cluster custom openshift vault mongodb cassandra
    """
)

# After "human error", "operator error": nouns that make it a compound ("operator error messages").
ERROR_COMPOUNDS = _words(
    """
    message messages code codes rate rates handling handler page pages log logs budget class
    type types path paths text banner dialog string strings count counts metric metrics
    """
)

# Words ending in -ly that are not adverbs: the actor search must not step over them.
NOT_ADVERBS = _words(
    """
    supply assembly reply apply rely family anomaly ally rally tally belly bully jelly
    butterfly monopoly
    """
)

# Before "operator", hyphenated words that make it a person on a shift, not software.
HUMAN_SHIFTS = _words(
    """
    night-shift day-shift late-shift early-shift on-call on-duty off-hours weekend
    console machine crane forklift
    """
)

# Verbs only people do: an unknown capitalised word before one is a name ("Nuno typed").
HUMAN_VERBS = _words(
    """
    typed clicked pasted copy-pasted assumed believed promised agreed misremembered
    guessed ssh'd sshed ssh-ed fat-fingered panicked shrugged approved decided refused
    volunteered insisted admitted apologized apologised joked complained
    """
)

# What a person changes: "Ines's change broke login" puts the person at the cause.
CHANGES = _words(
    """
    change changes commit commits merge merges patch patches pr prs pull request deploy
    deployment push edit edits script query command typo rollout release fix hotfix update
    migration config configuration refactor
    """
)

# Products and systems a post-mortem names as subjects, and capitalised common nouns
# and sentence openers: not names, whatever their shape ("Traefik failed to reload",
# "Monitoring missed the spike").
PRODUCTS = _words(
    """
    activemq adyen aider airbyte airtable alertmanager algolia ambassador amplitude
    anchore angular apache apigee apt artifactory asana astro athena aurora babel
    backstage bamboo bard bazel beam beanstalk bedrock bigtable bors braintree bugsnag
    buildkite caddy calico cargo certbot chatgpt chef chroma cilium circleci clair clerk
    clickhouse cline cloudflared cloudformation cockroach cockroachdb codex cognito
    cohere conda containerd contentful contour cortex cosmos cosmosdb couchbase couchdb
    cron crontab crossplane crowdstrike cursor dagster dbt debezium devin dgraph
    digitalocean discord dragonfly druid drupal duckdb dynatrace ecs esbuild falco
    fargate firebase firehose firehydrant firestore fivetran flagger flagsmith flink
    fluentbit fluentd fly freshdesk fullstory galera gatsby gemini gerrit ghost gloo
    glue gradle graphite greenhouse growthbook grype gunicorn gusto harbor hashicorp
    hbase heap hetzner hive homebrew honeycomb hotjar hubspot huggingface influxdb
    intercom jaeger jax jekyll jetty karpenter keda keras keycloak keydb kiali kibana
    kinesis knative kong kubectl kubeflow kubelet kuma kustomize lacework langchain
    langgraph launchdarkly letsencrypt lightsail lightstep linear linkerd linode llama
    llamaindex logrotate logstash loki looker lucene luigi magento mailchimp mailgun
    mariadb mattermost maven maxscale meilisearch memcached mergify metabase midjourney
    milvus mimir minikube mistral mixpanel mlflow modal mongo nats neo4j neon netskope
    newrelic nextjs nexus nix nomad notion npm numpy nuxt octopus ollama oozie openfaas
    openssl openstack openvpn optimizely orca ovh packer pandas patroni paypal percona
    perplexity pgbouncer pgpool phabricator pinecone pingdom pinot pip plaid planetscale
    pnpm podman poetry polars postmark prefect presto proxmox proxysql pulsar pulumi
    puma puppet pytorch qdrant rabbitmq railway rancher ray redshift remix render
    replicate resque retool riak rollbar rootly rsync sagemaker salt saltstack samza
    sanity scylla segment sendgrid sentinelone servicenow shopify shortcut skaffold snyk
    solr sonarqube sourcegraph spanner spinnaker splunk sqlite ssh statsd statsig
    statuspage stolon storm strapi sumo supabase superset svelte systemd tableau
    tailscale teamcity tekton telegraf tempo temporal tensorflow terragrunt thanos tilt
    timescale tomcat traefik transformers travis trello trino triton trivy tyk typesense
    unicorn unleash uvicorn vagrant valkey vertex victoriametrics victorops vite vitess
    vllm vmware vue vultr weaviate webpack whisper windsurf wireguard wiz woocommerce
    wordpress workday workos yarn yugabyte yum zapier zipkin zookeeper zoom zscaler zuul
    """
)
COMMON_CAPS = _words(
    """
    worker router docker crawler poller consumer producer handler listener controller
    builder runner loader parser renderer exporter watcher installer updater uploader
    downloader tracker logger debugger compiler container trigger cluster writer reader
    sender receiver master primary replica member user customer partner tester adapter
    wrapper helper filter limiter buffer counter timer checker linter formatter bundler
    transformer tokenizer encoder decoder embedder retriever reranker planner executor
    evaluator labeler browser server provider resolver header footer banner layer
    manager developer engineer
    operator monitor collector executor processor editor connector selector reactor
    descriptor inspector vendor sensor detector validator generator iterator allocator
    orchestrator aggregator evaluator indicator simulator translator tractor motor actor
    factor vector mirror error major minor floor door color colour interceptor extractor
    compressor balancer refactor tensor cursor
    actions afterwards alert alerting alerts all analytics another anything apparently
    audio auth backend background backup bandwidth basically both cache caching capacity
    chat clearly cluster code compute config context cooling cpu dashboard data database
    deploy design devops disk downstream each earlier either email engineering error
    errors escalation essentially every everybody everything evidently failover few file
    files finance firmware first follow-ups followups fortunately frankly frontend
    gateway gpu hardware hdd healthcheck heartbeat hence homepage honestly how hr hvac
    identity image importantly infra ingestion interestingly internet intranet inventory
    last latency leadership legal lessons load lockfile logging luckily mail management
    many marketing memory middleware mitigation mobile monitoring most neither network
    networking next none notably nothing now obviously onboarding only ops other
    otherwise overall overnight overview owners pager paging payroll pipeline platform
    playbook postmortem power priority product proxy queue ram recovery release
    replication retries retry rollback rollout runbook sales scheduling second several
    severity sidecar software some something sre ssd storage such surprisingly telemetry
    text therefore third throughput thus timeout today tonight total tracing traffic
    triage twice ultimately unfortunately upstream video voice weather web webhook
    website what whatever where which who why wifi yesterday
    """
)

# Endings of English words that are seldom names: a capitalised unknown word with one
# is a noun or a verb form ("Restarting", "Replication", "Scheduler"), not a person.
NOT_NAME_ENDINGS = (
    "ing", "ion", "age", "ity", "ory", "ure", "ment", "ness", "ance", "ence", "ism", "ics",
    "ive", "able", "ible", "ous", "ful", "less", "ship", "hood", "dom", "ed", "ler", "ver",
    "s", "ly", "cy", "ry", "ty", "ware", "way", "work", "base", "load", "point", "house",
)  # fmt: skip

# After an unknown capitalised word, nouns that make it a product ("Loki queries").
TECH_NOUNS = _words(
    """
    cluster clusters service services server servers job jobs pod pods node nodes proxy api
    apis operator controller worker workers queue queues db database databases instance
    instances bucket buckets pipeline pipelines agent agents bot bots model models index
    indexes indices query queries client clients sdk plugin plugins extension config configs
    deployment deployments release releases version versions update updates upgrade
    migration migrations integration integrations endpoint endpoints container containers
    image images build builds runner runners tenant tenants region regions zone zones shard
    shards replica replicas table tables topic topics stream streams feature flag flags
    """
)

# Pieces of product names that given names do not contain ("Kubecost", "Langfuse",
# "Coolify"): an unknown capitalised word holding one is a product.
PRODUCT_PARTS = (
    "kube", "flow", "stack", "ops", "metric", "cloud", "data", "sync", "ify", "fuse", "base",
    "graph", "scale", "store", "stream", "vault", "llm", "chain", "hook", "sense", "link",
    "pulse", "craft", "forge", "gate", "guard", "lens", "loop", "press", "sql", "gpt", "desk",
    "db", "ql", "bot", "mq",
)  # fmt: skip

# After "failed to", what systems fail at: with a subject taken for a name only by its
# shape, these need a human object too ("Brevo failed to deliver the emails").
SYSTEM_VERBS = _words(
    """
    deliver retry record report restart reload start connect sync scale respond load parse
    resolve serve process send authenticate render index compile build boot mount schedule
    pull fetch upload download write read save store return publish emit forward route
    refresh recover reconnect acquire release drain flush rotate trigger fire run execute
    """
)

# What a person hands over or runs that then does the damage ("a workaround that wiped").
MADE_THINGS = _words(
    """
    workaround script command query change patch fix hotfix config migration commit
    release build job cron rule
    """
)

# Verbs that hand such a thing over or run it ("gave", "ran"), not find it.
HANDING_VERBS = _words(
    """
    ran gave applied pushed deployed wrote shipped merged executed suggested sent posted
    added made created configured set introduced committed recommended proposed
    """
)

# Changes that a freeze forbids ("deployed during the freeze").
RISKY_VERBS = _words(
    """
    deploy deployed deploying push pushed merge merged ship shipped release released
    change changed roll rolled migrate migrated apply applied
    """
)

# Words that make a change during a freeze a sanctioned one.
SANCTIONED = _words(
    """
    exception approved approval break-glass emergency sanctioned
    """
)

# Words that open a subordinate clause before its subject ("Because the engineer ...").
SUBORDINATORS = _words(
    """
    because since when whenever while although though if unless
    """
)

# Participles without -ed before "by" in a passive ("was done by Mr. Ivanov").
IRREGULAR_PARTICIPLES = _words(
    """
    done made run set put sent built kept left shut cut hit led paid held read
    """
)

# What a person can know is failing and ship anyway ("knew the tests were red").
GATES = _words(
    """
    tests test checks check ci build builds canary canaries evals eval pipeline lint linter
    review migration change fix patch config release deploy it this that
    """
)

# Verbs of a warning a person then ignored ("had been told twice ... and still didn't").
WARNED = _words(
    """
    told asked reminded warned instructed advised notified cautioned
    """
)

# What a person does on a bad signal: stopping or escalating is the right call, no blame.
REMEDIES = _words(
    """
    rolled reverted paused stopped halted blocked held escalated paged waited cancelled
    canceled aborted froze declined postponed delayed
    """
)

# What a person is thanked for ("thanks to Gunther's quick thinking"), not blamed for.
CREDITED = _words(
    """
    quick quickly fast thinking effort efforts help vigilance diligence attention catch
    caught spotted noticed restored recovered saved finished expertise investigation insight
    spotting catching finding fixing noticing restoring saving recovering rescuing
    """
)

# Nouns in -us or -is that open a sentence ("Status remained degraded"): not names.
US_NOUNS = _words(
    """
    status bonus corpus campus census virus focus consensus nexus radius stimulus syllabus
    surplus plus thus apparatus genus hiatus cactus chorus citrus fungus sinus prospectus
    circus terminus bus onus locus modus opus torus tennis
    """
)

# Before "misses", words that make it a noun ("near misses", "cache misses").
MISS_NOUNS = _words(
    """
    near near- cache tlb page branch hit l1 l2 l3 few many some no these those
    """
)

# After "thanks to <person>", the harm that makes it sarcasm and blame ("thanks to Bob,
# prod was down"), not credit ("thanks to Ruth's runbook, the failover took minutes").
HARM = _words(
    """
    down outage outages lost loss broke broken breaking failed failing fail deleted wiped
    corrupted dropped wrong typo mistake mess error errors leaked leak exposed public worse
    carelessness careless rushed sloppy reckless
    """
)

# Verbs of saying: what follows is what was said, its subject is not the actor.
SPEECH_VERBS = _words(
    """
    told said assured promised claimed informed replied answered announced confirmed
    """
)

# Departments that act as people when they open a sentence ("Support told the customer").
DEPARTMENTS = _words(
    """
    support engineering legal security sales marketing finance leadership product design
    infra infrastructure platform procurement compliance
    """
)

# Credentials, and what a person does to leave one lying around.
SECRET_NOUNS = _words(
    """
    credential credentials password passwords key keys token tokens secret secrets
    """
)
KEEPING_VERBS = _words(
    """
    kept stored saved left put wrote shared emailed pasted posted copied dumped
    """
)

# Verbs of approving: "approved the PR in under a minute" is a review too fast to be one.
APPROVING = _words(
    """
    approved approves approve reviewed signed lgtm'd stamped merged accepted
    """
)

# Leaving or closing while users still suffer.
LEAVING = _words(
    """
    closed resolved left went logged signed declared marked stopped
    """
)

# After "nobody on", team names that make it a group of people ("nobody on backend").
GROUP_NAMES = _words(
    """
    backend frontend mobile web billing data payments network networking infra platform
    security support ios android api search growth
    """
)

# Bare verbs a non-native writer or a timeline uses after a person ("Developer commit the key").
BARE_VERBS = _words(
    """
    commit push deploy merge run delete drop ignore skip disable restart change put make
    forget approve ship release copy paste kill reboot remove apply overwrite truncate
    """
)

# In a sentence about turning a safeguard off: it was turned back on, or it was a test place.
RESTORED = _words(
    """
    re-enabled reenabled restored re-enable reenable afterwards
    """
)
TEST_PLACES = _words(
    """
    staging sandbox test dev local
    """
)

# Verbs that destroy: "deleted the tenant instead of suspending it".
DESTROYING = _words(
    """
    deleted dropped wiped purged terminated destroyed removed truncated killed erased
    """
)

# Verbs that vouch for something: "marked 40 cases as passed that were never executed".
VOUCHING = _words(
    """
    released launched marked reported signed declared certified
    """
)

# Taking data out: "exported the customer table to her laptop".
EXPORTING = _words(
    """
    exported downloaded copied synced saved dumped moved emailed transferred pulled
    """
)
DATA_NOUNS = _words(
    """
    table tables data dataset datasets export exports dump dumps records database db pii
    customers users transcripts logs backup backups
    """
)

# Organisations a "they" can refer to: people all the same ("we told the vendor twice;
# they did it again").
ORGS = _words(
    """
    vendor vendors supplier suppliers provider partner partners customer client contractor
    agency
    """
)

# People a post-mortem names as those affected, never as the cause ("customers who found
# the phrasing could have received ..."): no actor of blame.
AFFECTED = _words(
    """
    customer customers user users client clients visitor visitors buyer buyers shopper
    shoppers subscriber subscribers tenant tenants reader readers viewer viewers caller
    callers patient patients passenger passengers guest guests member members
    """
)
