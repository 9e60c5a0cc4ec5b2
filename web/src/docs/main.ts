// Docs page entry: styles only; the page is static.
import "../styles/base.css";
import "../styles/site.css";
import "../styles/docs.css";
