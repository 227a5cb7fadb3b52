"""The domain only: grid → programme → findings, roll-up and groups. Nothing about Excel's looks
(number formats, styles, print set-up, charts): that is motxl.presentation."""
