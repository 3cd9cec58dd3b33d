"""The report a cluster manager mails around: key figures, charts and the strongest unconnected
pairs of the region, as one self-contained HTML file or a PDF, in German or English — gathered
(`data`), drawn (`charts`) and written (`html`, `pdf`) apart."""
