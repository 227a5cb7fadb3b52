"""The pure core: grid → programme → findings / roll-up → tab descriptions. No Excel here."""
