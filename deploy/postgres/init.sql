-- Each service owns its own database; none reads another's.
CREATE DATABASE intake OWNER gridline;
CREATE DATABASE router OWNER gridline;
CREATE DATABASE sla OWNER gridline;
CREATE DATABASE scoring OWNER gridline;
CREATE DATABASE notify OWNER gridline;
CREATE DATABASE console OWNER gridline;
CREATE DATABASE outreach OWNER gridline;
