/* embed widget: see below */
