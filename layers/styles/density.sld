<?xml version="1.0" encoding="UTF-8"?>
<!-- Density surfaces: one fixed colour scale in incidents per km2 per month for every density layer, period and zoom, so the same colour always means the same density. -->
<StyledLayerDescriptor version="1.0.0"
    xmlns="http://www.opengis.net/sld"
    xmlns:ogc="http://www.opengis.net/ogc"
    xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.0.0/StyledLayerDescriptor.xsd">
  <NamedLayer>
    <Name>density</Name>
    <UserStyle>
      <Name>density</Name>
      <Title>Density (incidents per km² per month)</Title>
      <FeatureTypeStyle>
        <Rule>
          <Name>density</Name>
          <Title>Incidents per km² per month</Title>
          <RasterSymbolizer>
            <Opacity>0.85</Opacity>
            <ColorMap>
              <ColorMapEntry color="#FFFFB2" opacity="0" quantity="0" label="0"/>
              <ColorMapEntry color="#FFFFB2" opacity="0.35" quantity="2" label="2"/>
              <ColorMapEntry color="#FED976" opacity="0.6" quantity="10" label="10"/>
              <ColorMapEntry color="#FEB24C" opacity="0.75" quantity="25" label="25"/>
              <ColorMapEntry color="#FD8D3C" opacity="0.85" quantity="50" label="50"/>
              <ColorMapEntry color="#FC4E2A" opacity="0.9" quantity="100" label="100"/>
              <ColorMapEntry color="#E31A1C" opacity="0.95" quantity="250" label="250"/>
              <ColorMapEntry color="#B10026" opacity="1" quantity="500" label="500"/>
              <ColorMapEntry color="#67000D" opacity="1" quantity="1000" label="1,000 or more"/>
            </ColorMap>
          </RasterSymbolizer>
        </Rule>
      </FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
</StyledLayerDescriptor>
